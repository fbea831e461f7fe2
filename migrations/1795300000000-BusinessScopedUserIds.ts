import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A BSUID: two letters, a dot, letters and digits (`US.1349…`, parent `US.ENT.1181…`). */
const BSUID = `'^[A-Z]{2}\\.(ENT\\.)?[A-Za-z0-9]{1,128}$'`;
/** A phone number as people and providers write it: `+351 910 000 000`, `351910000000`. */
const PHONE = `'^\\+?[0-9][0-9 ().-]{5,24}$'`;

/**
 * Business-scoped user ids (WhatsApp usernames): a person is known by phone number, BSUID, or both.
 * Sessions and submissions get a `user_id`; message statuses the recipient's BSUID; completions that
 * did not complete their session (another sender than the token's) say why. Existing rows move: a
 * BSUID kept in a `phone` column goes to `user_id`, and session phone numbers are stored in one form
 * (E.164, `+` and digits) so a person's sessions can be found by number whatever form it came in.
 */
export class BusinessScopedUserIds1795300000000 implements MigrationInterface {
  name = 'BusinessScopedUserIds1795300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "flow_sessions" ADD "user_id" text`);
    await queryRunner.query(`UPDATE "flow_sessions" SET "user_id" = "phone", "phone" = NULL WHERE "phone" ~ ${BSUID}`);
    await queryRunner.query(
      `UPDATE "flow_sessions" SET "phone" = '+' || regexp_replace("phone", '[^0-9]', '', 'g')
        WHERE "phone" ~ ${PHONE} AND "phone" <> '+' || regexp_replace("phone", '[^0-9]', '', 'g')`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_flow_sessions_phone" ON "flow_sessions" ("phone") WHERE "phone" IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_flow_sessions_user_id" ON "flow_sessions" ("user_id") WHERE "user_id" IS NOT NULL`);
    await queryRunner.query(
      `CREATE INDEX "IDX_flow_sessions_outbound_message" ON "flow_sessions" ("outbound_message_id") WHERE "outbound_message_id" IS NOT NULL`,
    );

    await queryRunner.query(`ALTER TABLE "flow_submissions" ADD "user_id" text`);
    await queryRunner.query(`ALTER TABLE "flow_submissions" ADD "refusal" text`);
    await queryRunner.query(`UPDATE "flow_submissions" SET "user_id" = "phone", "phone" = NULL WHERE "phone" ~ ${BSUID}`);

    await queryRunner.query(`ALTER TABLE "message_statuses" ADD "recipient_user_id" text`);
    await queryRunner.query(`UPDATE "message_statuses" SET "recipient_user_id" = "recipient", "recipient" = NULL WHERE "recipient" ~ ${BSUID}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "message_statuses" SET "recipient" = "recipient_user_id" WHERE "recipient" IS NULL AND "recipient_user_id" IS NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE "message_statuses" DROP COLUMN "recipient_user_id"`);
    await queryRunner.query(`UPDATE "flow_submissions" SET "phone" = "user_id" WHERE "phone" IS NULL AND "user_id" IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE "flow_submissions" DROP COLUMN "refusal"`);
    await queryRunner.query(`ALTER TABLE "flow_submissions" DROP COLUMN "user_id"`);
    await queryRunner.query(`DROP INDEX "IDX_flow_sessions_outbound_message"`);
    await queryRunner.query(`DROP INDEX "IDX_flow_sessions_user_id"`);
    await queryRunner.query(`DROP INDEX "IDX_flow_sessions_phone"`);
    // A person known only by BSUID goes back where the old schema kept any user reference.
    await queryRunner.query(`UPDATE "flow_sessions" SET "phone" = "user_id" WHERE "phone" IS NULL AND "user_id" IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE "flow_sessions" DROP COLUMN "user_id"`);
  }
}
