import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A bookable time: `booked` never exceeds `capacity` (a CHECK constraint backs this). */
@Entity('appointment_slots')
export class Slot {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'service_id', type: 'text' })
  serviceId: string;

  @Column({ name: 'staff_id', type: 'text' })
  staffId: string;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ type: 'integer' })
  capacity: number;

  @Column({ type: 'integer', default: 0 })
  booked: number;
}
