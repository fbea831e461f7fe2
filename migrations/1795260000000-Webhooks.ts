import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Webhooks1795260000000 implements MigrationInterface {
  name = 'Webhooks1795260000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "webhook_events" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "source" text NOT NULL,
        "kind" text NOT NULL,
        "dedupe_key" text NOT NULL,
        "payload" jsonb NOT NULL,
        "received_at" timestamptz NOT NULL DEFAULT now(),
        "provider_timestamp" timestamptz,
        "status" text NOT NULL DEFAULT 'received' CHECK ("status" IN ('received', 'processed', 'failed')),
        "attempts" integer NOT NULL DEFAULT 0,
        "last_error" text,
        "processed_at" timestamptz,
        CONSTRAINT "UQ_webhook_events_dedupe" UNIQUE ("source", "dedupe_key")
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_webhook_events_pending" ON "webhook_events" ("received_at") WHERE "status" = 'received'`);
    await queryRunner.query(`CREATE INDEX "IDX_webhook_events_status" ON "webhook_events" ("status")`);
    await queryRunner.query(`
      CREATE TABLE "flow_submissions" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "flow" text,
        "flow_token" text,
        "phone" text,
        "message_id" text NOT NULL UNIQUE,
        "response" jsonb NOT NULL,
        "received_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_flow_submissions_token" ON "flow_submissions" ("flow_token")`);
    await queryRunner.query(`
      CREATE TABLE "message_statuses" (
        "message_id" text NOT NULL,
        "status" text NOT NULL,
        "recipient" text,
        "occurred_at" timestamptz,
        "errors" jsonb,
        "recorded_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("message_id", "status")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "message_statuses"`);
    await queryRunner.query(`DROP TABLE "flow_submissions"`);
    await queryRunner.query(`DROP TABLE "webhook_events"`);
  }
}
