import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per answered envelope: the hash of its AES key, so a replay never gets a second
 * plaintext under that key and IV (across processes, with or without Redis), and for a while the
 * exact answer it got, so a replay within that while gets the same bytes.
 */
export class FlowEnvelopes1795290000000 implements MigrationInterface {
  name = 'FlowEnvelopes1795290000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "flow_envelopes" (
        "key_hash" bytea PRIMARY KEY,
        "digest" bytea NOT NULL,
        "token" text NOT NULL,
        "status" smallint NOT NULL,
        "body" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL
      )`);
    // Rows are written in time order and pruned by time: block-range indexes cost next to nothing per insert.
    await queryRunner.query(`CREATE INDEX "IDX_flow_envelopes_created" ON "flow_envelopes" USING brin ("created_at")`);
    await queryRunner.query(`CREATE INDEX "IDX_flow_envelopes_expires" ON "flow_envelopes" USING brin ("expires_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "flow_envelopes"`);
  }
}
