import type { EntityManager } from 'typeorm';

/** Demo services and staff, and hourly slots (09:00 to 16:00 UTC) for the next 14 days. Idempotent. */
export async function seedAppointments(manager: EntityManager): Promise<void> {
  await manager.query(
    `INSERT INTO appointment_services (id, name, duration_minutes) VALUES
       ('HAIRCUT', 'Haircut', 30), ('CONSULT', 'Consultation', 60), ('BEARD', 'Beard trim', 15)
     ON CONFLICT (id) DO NOTHING`,
  );
  await manager.query(`INSERT INTO appointment_staff (id, name) VALUES ('ANA', 'Ana'), ('BRUNO', 'Bruno') ON CONFLICT (id) DO NOTHING`);
  await manager.query(
    `INSERT INTO appointment_slots (service_id, staff_id, starts_at, capacity)
     SELECT pair.service_id, pair.staff_id, (day + make_interval(hours => hour)) AT TIME ZONE 'UTC', 1
       FROM (VALUES ('HAIRCUT', 'ANA'), ('HAIRCUT', 'BRUNO'), ('CONSULT', 'ANA'), ('BEARD', 'BRUNO')) AS pair (service_id, staff_id),
            generate_series(date_trunc('day', now() AT TIME ZONE 'UTC') + interval '1 day',
                            date_trunc('day', now() AT TIME ZONE 'UTC') + interval '14 days',
                            interval '1 day') AS day,
            generate_series(9, 16) AS hour
     ON CONFLICT ON CONSTRAINT "UQ_appointment_slots" DO NOTHING`,
  );
}
