import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** What a user submitted when a flow completed (the `nfm_reply`), once per message. */
@Entity('flow_submissions')
export class FlowSubmission {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', nullable: true })
  flow: string | null;

  @Column({ name: 'flow_token', type: 'text', nullable: true })
  flowToken: string | null;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ name: 'message_id', type: 'text', unique: true })
  messageId: string;

  @Column({ type: 'jsonb' })
  response: Record<string, unknown>;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;
}
