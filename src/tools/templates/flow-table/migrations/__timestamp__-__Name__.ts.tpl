import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The __name__ flow's table. Runs on Postgres and on the embedded database alike; listed by __name__.module.ts. */
export class __Name____timestamp__ implements MigrationInterface {
  name = '__Name____timestamp__';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "__table__" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "flow_token" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "__table__"`);
  }
}
