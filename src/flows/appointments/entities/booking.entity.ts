import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Slot } from './slot.entity.js';

@Entity('appointment_bookings')
@Unique('appointment_bookings_flow_token_key', ['flowToken'])
@Index('IDX_appointment_bookings_slot', ['slotId'])
export class Booking {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'slot_id', type: 'uuid' })
  slotId: string;

  /** One booking per flow token: a retried confirmation cannot book twice. */
  @Column({ name: 'flow_token', type: 'text' })
  flowToken: string;

  @Column({ name: 'customer_name', type: 'text' })
  customerName: string;

  @Column({ name: 'customer_email', type: 'text' })
  customerEmail: string;

  @Column({ type: 'text', default: 'confirmed' })
  status: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => Slot)
  @JoinColumn({ name: 'slot_id', foreignKeyConstraintName: 'appointment_bookings_slot_id_fkey' })
  slot?: Slot;
}
