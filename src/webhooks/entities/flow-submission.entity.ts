import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** What a user submitted when a flow completed (the `nfm_reply`), once per message. */
@Entity('flow_submissions')
@Unique('flow_submissions_message_id_key', ['messageId'])
@Index('IDX_flow_submissions_token', ['flowToken'])
export class FlowSubmission {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', nullable: true })
  flow: string | null;

  @Column({ name: 'flow_token', type: 'text', nullable: true })
  flowToken: string | null;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ name: 'message_id', type: 'text' })
  messageId: string;

  @Column({ type: 'jsonb' })
  response: Record<string, unknown>;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt: Date;
}
