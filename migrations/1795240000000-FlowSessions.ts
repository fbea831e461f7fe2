import type { MigrationInterface, QueryRunner } from 'typeorm';

export class FlowSessions1795240000000 implements MigrationInterface {
  name = 'FlowSessions1795240000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "flow_sessions" (
        "token" text PRIMARY KEY,
        "flow" text NOT NULL,
        "phone" text,
        "status" text NOT NULL DEFAULT 'active' CHECK ("status" IN ('active', 'completed', 'expired')),
        "state" jsonb NOT NULL DEFAULT '{}'::jsonb,
        "screens" jsonb NOT NULL DEFAULT '{}'::jsonb,
        "issued" boolean NOT NULL DEFAULT false,
        "expires_at" timestamptz,
        "outbound_message_id" text,
        "completed_at" timestamptz,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_flow_sessions_flow_status" ON "flow_sessions" ("flow", "status")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "flow_sessions"`);
  }
}
