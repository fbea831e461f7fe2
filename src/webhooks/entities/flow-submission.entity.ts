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

  /** The sender's phone number as Meta sent it (`from`), when it did. */
  @Column({ type: 'text', nullable: true })
  phone: string | null;

  /** The sender's business-scoped user id (`from_user_id`), when Meta sent one. */
  @Column({ name: 'user_id', type: 'text', nullable: true })
  userId: string | null;

  /**
   * Why this completion did not complete its session, when it did not: `identity_mismatch` (another
   * person than the token's), `identity_unverifiable` (nothing to compare with the token's person).
   */
  @Column({ type: 'text', nullable: true })
  refusal: string | null;

  /** The tenant the completion's webhook was attributed to; null in the single-tenant configuration. */
  @Column({ type: 'text', nullable: true })
  tenant: string | null;

  @Column({ name: 'message_id', type: 'text' })
  messageId: string;

  @Column({ type: 'jsonb' })
  response: Record<string, unknown>;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt: Date;
}
