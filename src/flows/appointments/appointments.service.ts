import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import { appointmentsConfig } from './appointments.config.js';

export interface ServiceOption {
  id: string;
  name: string;
  durationMinutes: number;
}

export interface FreeSlot {
  id: string;
  serviceId: string;
  serviceName: string;
  staffName: string;
  startsAt: Date;
  /** The slot's day in the configured time zone, YYYY-MM-DD. */
  day: string;
}

export type BookingResult = { ok: true; bookingId: string; slot: FreeSlot } | { ok: false; reason: 'slot_full' };

/**
 * Services, free slots and atomic bookings in Postgres. Every method works in the caller's
 * transaction (`manager`: in a flow handler, the request's).
 */
@Injectable()
export class AppointmentsService {
  constructor(@Inject(appointmentsConfig.KEY) private readonly config: ConfigType<typeof appointmentsConfig>) {}

  async services(manager: EntityManager): Promise<ServiceOption[]> {
    const rows: Array<{ id: string; name: string; duration_minutes: number }> = await manager.query(
      'SELECT id, name, duration_minutes FROM appointment_services ORDER BY name',
    );
    return rows.map((row) => ({ id: row.id, name: row.name, durationMinutes: row.duration_minutes }));
  }

  /** The next days (in the configured time zone) that still have a free slot, for any service. */
  async availableDays(manager: EntityManager): Promise<string[]> {
    const rows: Array<{ day: string }> = await manager.query(
      `SELECT DISTINCT to_char(starts_at AT TIME ZONE $1, 'YYYY-MM-DD') AS day
         FROM appointment_slots
        WHERE booked < capacity AND starts_at > now() AND starts_at < now() + make_interval(days => $2)
        ORDER BY day
        LIMIT $3`,
      [this.config.timeZone, this.config.daysAhead, this.config.maxDates],
    );
    return rows.map((row) => row.day);
  }

  /** Free slots of a service on a day, earliest first. */
  async freeSlots(manager: EntityManager, serviceId: string, day: string): Promise<FreeSlot[]> {
    return this.slots(
      manager,
      `s.service_id = $2 AND to_char(s.starts_at AT TIME ZONE $1, 'YYYY-MM-DD') = $3 AND s.booked < s.capacity AND s.starts_at > now()`,
      [serviceId, day],
    );
  }

  async slot(manager: EntityManager, slotId: string): Promise<FreeSlot | undefined> {
    return (await this.slots(manager, 's.id = $2', [slotId]))[0];
  }

  /**
   * Books one place in a slot in a single statement: the slot's counter only moves while it is below
   * capacity, and the booking row is written only when it moved. Concurrent confirmations for the
   * last place: exactly one wins. In a flow, the request's transaction: the booking commits with the
   * completion, once per token.
   */
  async book(manager: EntityManager, slotId: string, flowToken: string, name: string, email: string): Promise<BookingResult> {
    const rows: Array<{ id: string }> = await manager.query(
      `WITH taken AS (
         UPDATE appointment_slots SET booked = booked + 1
          WHERE id = $1 AND booked < capacity AND starts_at > now()
          RETURNING id)
       INSERT INTO appointment_bookings (slot_id, flow_token, customer_name, customer_email)
       SELECT id, $2, $3, $4 FROM taken
       RETURNING id`,
      [slotId, flowToken, name, email],
    );
    if (rows.length === 0) return { ok: false, reason: 'slot_full' };
    return { ok: true, bookingId: rows[0].id, slot: (await this.slot(manager, slotId))! };
  }

  private async slots(manager: EntityManager, where: string, params: unknown[]): Promise<FreeSlot[]> {
    const rows: Array<{ id: string; service_id: string; service_name: string; staff_name: string; starts_at: Date; day: string }> =
      await manager.query(
        `SELECT s.id, s.service_id, sv.name AS service_name, st.name AS staff_name, s.starts_at,
                to_char(s.starts_at AT TIME ZONE $1, 'YYYY-MM-DD') AS day
           FROM appointment_slots s
           JOIN appointment_services sv ON sv.id = s.service_id
           JOIN appointment_staff st ON st.id = s.staff_id
          WHERE ${where}
          ORDER BY s.starts_at, st.name`,
        [this.config.timeZone, ...params],
      );
    return rows.map((row) => ({
      id: row.id,
      serviceId: row.service_id,
      serviceName: row.service_name,
      staffName: row.staff_name,
      startsAt: new Date(row.starts_at),
      day: row.day,
    }));
  }
}
