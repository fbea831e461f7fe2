import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type WebhookEventStatus = 'received' | 'processed' | 'failed';
export type WebhookEventKind = 'message' | 'status' | 'flows_alert' | 'wasender';

/** One event as received, stored before we acknowledge it; the queue works from these rows. */
@Entity('webhook_events')
export class WebhookEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** `whatsapp` or `wasender`. */
  @Column({ type: 'text' })
  source: string;

  @Column({ type: 'text' })
  kind: WebhookEventKind;

  /** Message id, status id + status, or a digest of a flows alert: redeliveries hit the same key. */
  @Column({ name: 'dedupe_key', type: 'text' })
  dedupeKey: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;

  @Column({ name: 'provider_timestamp', type: 'timestamptz', nullable: true })
  providerTimestamp: Date | null;

  @Column({ type: 'text' })
  status: WebhookEventStatus;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt: Date | null;
}
