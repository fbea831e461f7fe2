import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Returns1795280000000 implements MigrationInterface {
  name = 'Returns1795280000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "returns_requests" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "flow_token" text NOT NULL,
        "sku" text NOT NULL,
        "reservation_id" uuid,
        "problem" text NOT NULL,
        "status" text NOT NULL DEFAULT 'open',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "returns_requests_status_check" CHECK ("status" IN ('open', 'closed'))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_returns_requests_flow_token" ON "returns_requests" ("flow_token")`);
    await queryRunner.query(`
      CREATE TABLE "returns_request_files" (
        "return_id" uuid NOT NULL,
        "media_id" uuid NOT NULL,
        "role" text NOT NULL,
        PRIMARY KEY ("return_id", "media_id"),
        CONSTRAINT "returns_request_files_role_check" CHECK ("role" IN ('photo', 'receipt')),
        CONSTRAINT "returns_request_files_return_id_fkey" FOREIGN KEY ("return_id") REFERENCES "returns_requests" ("id") ON DELETE CASCADE,
        CONSTRAINT "returns_request_files_media_id_fkey" FOREIGN KEY ("media_id") REFERENCES "flow_media" ("id")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "returns_request_files"`);
    await queryRunner.query(`DROP TABLE "returns_requests"`);
  }
}
