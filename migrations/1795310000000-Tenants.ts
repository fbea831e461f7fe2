import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenants (several WABAs, numbers and apps in one deployment): a flow token, a completion and a
 * webhook event record the tenant they belong to. NULL is the single-tenant configuration (the
 * WHATSAPP_* and FLOW_* variables), so existing rows stay where they are and nothing is rewritten.
 */
export class Tenants1795310000000 implements MigrationInterface {
  name = 'Tenants1795310000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "flow_sessions" ADD "tenant" text`);
    await queryRunner.query(`ALTER TABLE "flow_submissions" ADD "tenant" text`);
    await queryRunner.query(`ALTER TABLE "webhook_events" ADD "tenant" text`);
    // The admin API lists a tenant's events; single-tenant rows (NULL) are not indexed.
    await queryRunner.query(`CREATE INDEX "IDX_webhook_events_tenant" ON "webhook_events" ("tenant", "received_at") WHERE "tenant" IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_webhook_events_tenant"`);
    await queryRunner.query(`ALTER TABLE "webhook_events" DROP COLUMN "tenant"`);
    await queryRunner.query(`ALTER TABLE "flow_submissions" DROP COLUMN "tenant"`);
    await queryRunner.query(`ALTER TABLE "flow_sessions" DROP COLUMN "tenant"`);
  }
}
