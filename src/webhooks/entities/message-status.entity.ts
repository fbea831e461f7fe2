import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Delivery statuses of the messages we sent (sent, delivered, read, failed). */
@Entity('message_statuses')
export class MessageStatus {
  @PrimaryColumn({ name: 'message_id', type: 'text' })
  messageId: string;

  @PrimaryColumn({ type: 'text' })
  status: string;

  /** The recipient's phone number (`recipient_id`), when Meta sent it. */
  @Column({ type: 'text', nullable: true })
  recipient: string | null;

  /** The recipient's business-scoped user id, or parent one, when Meta sent it. */
  @Column({ name: 'recipient_user_id', type: 'text', nullable: true })
  recipientUserId: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz', nullable: true })
  occurredAt: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  errors: unknown;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;
}
