import { Check, Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

export type WebhookEventStatus = 'received' | 'processed' | 'failed';
export type WebhookEventKind = 'message' | 'status' | 'flows_alert' | 'wasender';

/** One event as received, stored before we acknowledge it; the queue works from these rows. */
@Entity('webhook_events')
@Unique('UQ_webhook_events_dedupe', ['source', 'dedupeKey'])
@Index('IDX_webhook_events_pending', ['receivedAt'], { where: `"status" = 'received'` })
@Index('IDX_webhook_events_status', ['status'])
@Index('IDX_webhook_events_tenant', ['tenant', 'receivedAt'], { where: '"tenant" IS NOT NULL' })
@Check('webhook_events_status_check', `"status" IN ('received', 'processed', 'failed')`)
export class WebhookEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** `whatsapp` or `wasender`. */
  @Column({ type: 'text' })
  source: string;

  @Column({ type: 'text' })
  kind: WebhookEventKind;

  /** The tenant the event was attributed to (its phone number id, else its WABA id); null in the single-tenant configuration. */
  @Column({ type: 'text', nullable: true })
  tenant: string | null;

  /** Message id, status id + status, or a digest of a flows alert: redeliveries hit the same key. */
  @Column({ name: 'dedupe_key', type: 'text' })
  dedupeKey: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt: Date;

  @Column({ name: 'provider_timestamp', type: 'timestamptz', nullable: true })
  providerTimestamp: Date | null;

  @Column({ type: 'text', default: 'received' })
  status: WebhookEventStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt: Date | null;
}
