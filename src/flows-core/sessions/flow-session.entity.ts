import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

export type FlowSessionStatus = 'active' | 'completed' | 'expired';

/** One flow token: who it was issued to, for which flow, and the state handlers keep between screens. */
// Mirrors migrations/*-FlowSessions.ts, so migration:generate finds nothing to change.
@Entity('flow_sessions')
@Index('IDX_flow_sessions_flow_status', ['flow', 'status'])
@Index('IDX_flow_sessions_phone', ['phone'], { where: '"phone" IS NOT NULL' })
@Index('IDX_flow_sessions_user_id', ['userId'], { where: '"user_id" IS NOT NULL' })
@Index('IDX_flow_sessions_outbound_message', ['outboundMessageId'], { where: '"outbound_message_id" IS NOT NULL' })
@Check('flow_sessions_status_check', `"status" IN ('active', 'completed', 'expired')`)
export class FlowSessionEntity {
  @PrimaryColumn({ type: 'text' })
  token: string;

  @Column({ type: 'text' })
  flow: string;

  /** The E.164 phone number the token was issued to (or its completion came from); never logged. */
  @Column({ type: 'text', nullable: true })
  phone: string | null;

  /** The business-scoped user id (or parent one) the token was issued to (or its completion came from); never logged. */
  @Column({ name: 'user_id', type: 'text', nullable: true })
  userId: string | null;

  /** The tenant whose endpoint the token belongs to (TENANTS_DIR); null in the single-tenant configuration. */
  @Column({ type: 'text', nullable: true })
  tenant: string | null;

  @Column({ type: 'text', default: 'active' })
  status: FlowSessionStatus;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  state: Record<string, unknown>;

  /** The data last sent for each screen, so an error shown on that screen can carry it again. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  screens: Record<string, Record<string, unknown>>;

  /** True when Flowgate issued the token; false when it was opened on first sight. */
  @Column({ type: 'boolean', default: false })
  issued: boolean;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'outbound_message_id', type: 'text', nullable: true })
  outboundMessageId: string | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @VersionColumn({ default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
