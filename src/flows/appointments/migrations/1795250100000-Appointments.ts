import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Appointments1795250100000 implements MigrationInterface {
  name = 'Appointments1795250100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "appointment_services" (
        "id" text PRIMARY KEY,
        "name" text NOT NULL,
        "duration_minutes" integer NOT NULL CHECK ("duration_minutes" > 0)
      )`);
    await queryRunner.query(`
      CREATE TABLE "appointment_staff" (
        "id" text PRIMARY KEY,
        "name" text NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE "appointment_slots" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "service_id" text NOT NULL REFERENCES "appointment_services" ("id"),
        "staff_id" text NOT NULL REFERENCES "appointment_staff" ("id"),
        "starts_at" timestamptz NOT NULL,
        "capacity" integer NOT NULL CHECK ("capacity" > 0),
        "booked" integer NOT NULL DEFAULT 0,
        CONSTRAINT "CHK_appointment_slots_booked" CHECK ("booked" >= 0 AND "booked" <= "capacity"),
        CONSTRAINT "UQ_appointment_slots" UNIQUE ("service_id", "staff_id", "starts_at")
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_appointment_slots_service_start" ON "appointment_slots" ("service_id", "starts_at")`);
    await queryRunner.query(`
      CREATE TABLE "appointment_bookings" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "slot_id" uuid NOT NULL REFERENCES "appointment_slots" ("id"),
        "flow_token" text NOT NULL UNIQUE,
        "customer_name" text NOT NULL,
        "customer_email" text NOT NULL,
        "status" text NOT NULL DEFAULT 'confirmed',
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_appointment_bookings_slot" ON "appointment_bookings" ("slot_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "appointment_bookings"`);
    await queryRunner.query(`DROP TABLE "appointment_slots"`);
    await queryRunner.query(`DROP TABLE "appointment_staff"`);
    await queryRunner.query(`DROP TABLE "appointment_services"`);
  }
}
