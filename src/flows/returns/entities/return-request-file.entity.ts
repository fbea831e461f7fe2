import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { FlowMediaEntity } from '../../../flow-media/index.js';
import { ReturnRequest } from './return-request.entity.js';

/** A file attached to a return request: a photo (kept in the request) or the receipt (kept later). */
@Entity('returns_request_files')
@Check('returns_request_files_role_check', `"role" IN ('photo', 'receipt')`)
export class ReturnRequestFile {
  @PrimaryColumn({ name: 'return_id', type: 'uuid' })
  returnId: string;

  @PrimaryColumn({ name: 'media_id', type: 'uuid' })
  mediaId: string;

  @Column({ type: 'text' })
  role: 'photo' | 'receipt';

  @ManyToOne(() => ReturnRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'return_id', foreignKeyConstraintName: 'returns_request_files_return_id_fkey' })
  request?: ReturnRequest;

  @ManyToOne(() => FlowMediaEntity)
  @JoinColumn({ name: 'media_id', foreignKeyConstraintName: 'returns_request_files_media_id_fkey' })
  media?: FlowMediaEntity;
}
