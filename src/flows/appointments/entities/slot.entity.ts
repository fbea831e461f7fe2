import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { BookableService } from './service.entity.js';
import { StaffMember } from './staff.entity.js';

/** A bookable time: `booked` never exceeds `capacity` (a CHECK constraint backs this). */
@Entity('appointment_slots')
@Unique('UQ_appointment_slots', ['serviceId', 'staffId', 'startsAt'])
@Index('IDX_appointment_slots_service_start', ['serviceId', 'startsAt'])
@Check('appointment_slots_capacity_check', '"capacity" > 0')
@Check('CHK_appointment_slots_booked', '"booked" >= 0 AND "booked" <= "capacity"')
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

  @ManyToOne(() => BookableService)
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'appointment_slots_service_id_fkey' })
  service?: BookableService;

  @ManyToOne(() => StaffMember)
  @JoinColumn({ name: 'staff_id', foreignKeyConstraintName: 'appointment_slots_staff_id_fkey' })
  staff?: StaffMember;
}
