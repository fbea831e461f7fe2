import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Inventory1795250000000 implements MigrationInterface {
  name = 'Inventory1795250000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "inventory_products" (
        "sku" text PRIMARY KEY,
        "name" text NOT NULL,
        "price" numeric(12, 2) NOT NULL CHECK ("price" >= 0),
        "currency" char(3) NOT NULL DEFAULT 'EUR'
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_inventory_products_name_prefix" ON "inventory_products" (lower("name") text_pattern_ops, "sku")`);
    await queryRunner.query(`
      CREATE TABLE "inventory_warehouses" (
        "id" text PRIMARY KEY,
        "name" text NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE "inventory_stock_levels" (
        "sku" text NOT NULL REFERENCES "inventory_products" ("sku") ON DELETE CASCADE,
        "warehouse_id" text NOT NULL REFERENCES "inventory_warehouses" ("id"),
        "units" integer NOT NULL CHECK ("units" >= 0),
        PRIMARY KEY ("sku", "warehouse_id")
      )`);
    await queryRunner.query(`
      CREATE TABLE "inventory_reservations" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "sku" text NOT NULL REFERENCES "inventory_products" ("sku"),
        "warehouse_id" text NOT NULL REFERENCES "inventory_warehouses" ("id"),
        "quantity" integer NOT NULL CHECK ("quantity" > 0),
        "flow_token" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_inventory_reservations_sku" ON "inventory_reservations" ("sku")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "inventory_reservations"`);
    await queryRunner.query(`DROP TABLE "inventory_stock_levels"`);
    await queryRunner.query(`DROP TABLE "inventory_warehouses"`);
    await queryRunner.query(`DROP TABLE "inventory_products"`);
  }
}
