import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An answered envelope (see FlowSessions): the SHA-256 of its AES key, a digest of the rest of the
 * envelope, and its answer's exact bytes until FLOW_REPLAY_WINDOW_S has passed. Written by the
 * statement that checks the session, in the same commit as what the request changed.
 */
// Mirrors migrations/*-FlowEnvelopes.ts. TypeORM cannot describe BRIN indexes: they are not synchronized.
@Entity('flow_envelopes')
@Index('IDX_flow_envelopes_created', { synchronize: false })
@Index('IDX_flow_envelopes_expires', { synchronize: false })
export class FlowEnvelopeEntity {
  @PrimaryColumn({ name: 'key_hash', type: 'bytea' })
  keyHash: Buffer;

  /** SHA-256 of the IV and ciphertext: the same key with other content is refused (421). */
  @Column({ type: 'bytea' })
  digest: Buffer;

  @Column({ type: 'text' })
  token: string;

  @Column({ type: 'smallint' })
  status: number;

  /** The encrypted answer as sent; null once the replay window has passed. */
  @Column({ type: 'text', nullable: true })
  body: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** When the token stops being usable; the row is kept FLOW_REPLAY_RETENTION_DAYS past it. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
