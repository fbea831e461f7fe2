import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type FlowMediaStatus = 'pending' | 'stored' | 'failed';
export type FlowMediaSource = 'data_exchange' | 'completion';

/**
 * One file a user attached in a flow. `pending` rows wait for the background download and hold the
 * reference needed for it (for data_exchange media, the CDN link and keys) in `reference`, which is
 * cleared once the file is stored or given up.
 */
// Mirrors migrations/*-FlowMedia.ts, so migration:generate finds nothing to change.
@Entity('flow_media')
@Index('UQ_flow_media_token_media', ['flowToken', 'mediaId'], { unique: true })
@Index('IDX_flow_media_pending', ['createdAt'], { where: `"status" = 'pending'` })
@Check('flow_media_status_check', `"status" IN ('pending', 'stored', 'failed')`)
@Check('flow_media_source_check', `"source" IN ('data_exchange', 'completion')`)
export class FlowMediaEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  flow: string;

  @Column({ name: 'flow_token', type: 'text' })
  flowToken: string;

  /** The screen the file was attached on (null for completion media). */
  @Column({ type: 'text', nullable: true })
  screen: string | null;

  /** The PhotoPicker or DocumentPicker field. */
  @Column({ type: 'text' })
  field: string;

  @Column({ type: 'text' })
  source: FlowMediaSource;

  /** WhatsApp's id of the upload (data_exchange) or the Cloud API media id (completion). */
  @Column({ name: 'media_id', type: 'text' })
  mediaId: string;

  /** The `nfm_reply` message that carried completion media. */
  @Column({ name: 'message_id', type: 'text', nullable: true })
  messageId: string | null;

  /** As the user's phone named it; shown, never trusted. */
  @Column({ name: 'file_name', type: 'text', nullable: true })
  fileName: string | null;

  /** Detected from the bytes. */
  @Column({ name: 'content_type', type: 'text', nullable: true })
  contentType: string | null;

  @Column({ type: 'integer', nullable: true })
  size: number | null;

  /** SHA-256 of the file, hex. */
  @Column({ type: 'text', nullable: true })
  sha256: string | null;

  @Column({ name: 'storage_key', type: 'text', nullable: true })
  storageKey: string | null;

  @Column({ type: 'text', default: 'stored' })
  status: FlowMediaStatus;

  /** What the download needs while pending (keys included); null once stored or failed. */
  @Column({ type: 'jsonb', nullable: true })
  reference: Record<string, unknown> | null;

  /** Why a failed file was given up (a reason code and a detail without URLs or keys). */
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'stored_at', type: 'timestamptz', nullable: true })
  storedAt: Date | null;
}
