import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Meta's view of a flow, from the `flows` webhooks: one row per flow (Meta's id), event and
 * threshold, holding the newest notification by Meta's time. `active` is its alert state;
 * FLOW_STATUS_CHANGE rows hold the flow's `status`. Read at every scrape (flowgate_meta_flow_*).
 */
@Entity('meta_flow_alerts')
export class MetaFlowAlert {
  @PrimaryColumn({ name: 'flow_id', type: 'text' })
  flowId: string;

  @PrimaryColumn({ type: 'text' })
  event: string;

  /** The threshold the alert crossed (5, 10, 50 % or 1000, 5000, 7000 ms ...); 0 when it has none. */
  @PrimaryColumn({ type: 'double precision', default: 0 })
  threshold: number;

  @Column({ type: 'boolean' })
  active: boolean;

  @Column({ type: 'text', nullable: true })
  status: string | null;

  /** Meta's time of the notification (its `entry.time`), else when it was received. */
  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
