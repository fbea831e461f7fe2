import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Query,
  Res,
  StreamableFile,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { AdminTokenGuard } from '../admin/admin-token.guard.js';
import { MEDIA_STORAGE, type MediaStorage } from './media-storage.js';

/** The files users attached: list a session's, download one. */
@Controller('admin/media')
@UseGuards(AdminTokenGuard)
@ApiTags('media')
@ApiBearerAuth()
export class MediaAdminController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
  ) {}

  /** The files of one flow session (stored, pending and failed), oldest first. */
  @Get()
  @ApiQuery({ name: 'flow_token', required: true, description: 'The flow token of the session' })
  @ApiOkResponse({
    description: '{ files: [{ id, flow, screen, field, source, fileName, contentType, size, sha256, status, error, createdAt, storedAt }] }',
  })
  async list(@Query('flow_token') flowToken?: string) {
    if (!flowToken || flowToken.length > 512) throw new BadRequestException('flow_token is required (at most 512 characters)');
    const files = await this.db.query(
      `SELECT id, flow, screen, field, source, file_name AS "fileName", content_type AS "contentType", size, sha256, status, error,
              created_at AS "createdAt", stored_at AS "storedAt"
         FROM flow_media WHERE flow_token = $1 ORDER BY created_at, id LIMIT 500`,
      [flowToken],
    );
    return { files };
  }

  /** The file's bytes, with its detected content type. */
  @Get(':id')
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The stored file' })
  async download(@Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 400 })) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const [file]: Array<{ status: string; storage_key: string | null; content_type: string | null; size: number | null; file_name: string | null }> =
      await this.db.query('SELECT status, storage_key, content_type, size, file_name FROM flow_media WHERE id = $1', [id]);
    if (!file) throw new NotFoundException(`No media ${id}`);
    if (file.status !== 'stored' || !file.storage_key) throw new NotFoundException(`Media ${id} is ${file.status}, not stored`);
    const stream = await this.storage.open(file.storage_key).catch(() => {
      throw new NotFoundException(`The file of media ${id} is missing from the storage`);
    });
    // The name came from the user's phone: only safe characters go into the header.
    const name = (file.file_name ?? id).replace(/[^\w.\- ]/g, '_').slice(0, 100);
    reply.header('content-disposition', `attachment; filename="${name}"`);
    return new StreamableFile(stream, { type: file.content_type ?? 'application/octet-stream', length: file.size ?? undefined });
  }
}
