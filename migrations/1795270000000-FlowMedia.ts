import type { MigrationInterface, QueryRunner } from 'typeorm';

export class FlowMedia1795270000000 implements MigrationInterface {
  name = 'FlowMedia1795270000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "flow_media" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "flow" text NOT NULL,
        "flow_token" text NOT NULL,
        "screen" text,
        "field" text NOT NULL,
        "source" text NOT NULL,
        "media_id" text NOT NULL,
        "message_id" text,
        "file_name" text,
        "content_type" text,
        "size" integer,
        "sha256" text,
        "storage_key" text,
        "status" text NOT NULL DEFAULT 'stored',
        "reference" jsonb,
        "error" text,
        "attempts" integer NOT NULL DEFAULT 0,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "stored_at" timestamptz,
        CONSTRAINT "PK_flow_media" PRIMARY KEY ("id"),
        CONSTRAINT "flow_media_status_check" CHECK ("status" IN ('pending', 'stored', 'failed')),
        CONSTRAINT "flow_media_source_check" CHECK ("source" IN ('data_exchange', 'completion'))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_flow_media_token_media" ON "flow_media" ("flow_token", "media_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_flow_media_pending" ON "flow_media" ("created_at") WHERE "status" = 'pending'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "flow_media"`);
  }
}
