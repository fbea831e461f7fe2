import { BadRequestException, Controller, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../../admin/admin-token.guard.js';
import { WebhookIntake } from '../intake/webhook-intake.service.js';
import { WebhookQueue } from '../webhook-queue.js';
import { Tenants } from '../../flows-core/server.js';

const STATUSES = ['received', 'processed', 'failed'];

/** Stored webhook events: list them (dead letters by default) and replay one. */
@Controller('admin/webhooks')
@UseGuards(AdminTokenGuard)
@ApiTags('webhooks')
@ApiBearerAuth()
export class WebhookAdminController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: WebhookQueue,
    private readonly intake: WebhookIntake,
    private readonly tenants: Tenants,
  ) {}

  /** `?tenant=` lists that tenant's events only (TENANTS_DIR); without it, every event. */
  @Get()
  async list(@Query('status') status = 'failed', @Query('tenant') tenant?: string) {
    if (!STATUSES.includes(status)) throw new BadRequestException(`status must be one of ${STATUSES.join(', ')}`);
    if (tenant !== undefined && typeof tenant !== 'string') throw new BadRequestException('tenant must be given once');
    if (tenant !== undefined && !this.tenants.get(tenant)) throw new NotFoundException(`No tenant named "${tenant.slice(0, 64)}"`);
    const events = await this.db.query(
      `SELECT id, source, kind, tenant, status, attempts, last_error AS "lastError", received_at AS "receivedAt", processed_at AS "processedAt"
         FROM webhook_events WHERE status = $1 AND ($2::text IS NULL OR tenant = $2) ORDER BY received_at DESC LIMIT 100`,
      [status, tenant ?? null],
    );
    return { events };
  }

  /** Puts a dead-lettered (or stuck) event back in the queue with fresh attempts. */
  @Post(':id/replay')
  @HttpCode(202)
  async replay(@Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 400 })) id: string) {
    const [, updated]: [unknown, number] = await this.db.query(
      `UPDATE webhook_events SET status = 'received', attempts = 0, last_error = NULL WHERE id = $1 AND status <> 'processed'`,
      [id],
    );
    if (updated === 0) {
      const [event] = await this.db.query('SELECT status FROM webhook_events WHERE id = $1', [id]);
      if (!event) throw new NotFoundException(`No webhook event ${id}`);
      throw new BadRequestException(`Webhook event ${id} was processed already`);
    }
    const job = await this.queue.getJob(id);
    if (job) await job.remove();
    await this.intake.enqueue([id]);
    return { id, status: 'queued' };
  }
}
