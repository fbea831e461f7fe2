import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A customer's return request: which product, why, from which flow session. */
@Entity('returns_requests')
@Index('UQ_returns_requests_flow_token', ['flowToken'], { unique: true })
@Check('returns_requests_status_check', `"status" IN ('open', 'closed')`)
export class ReturnRequest {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'flow_token', type: 'text' })
  flowToken: string;

  @Column({ type: 'text' })
  sku: string;

  /** The inventory reservation it returns, when the user picked one. */
  @Column({ name: 'reservation_id', type: 'uuid', nullable: true })
  reservationId: string | null;

  @Column({ type: 'text' })
  problem: string;

  @Column({ type: 'text', default: 'open' })
  status: 'open' | 'closed';

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
