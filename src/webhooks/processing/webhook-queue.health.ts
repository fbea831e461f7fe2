import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ReadinessRegistry } from '../../health/readiness-registry.js';
import { WebhookQueue } from '../webhook-queue.js';

const TIMEOUT_MS = 1_500;

/** Readiness: the queue backend answers; reports the backlog and the dead letters. */
@Injectable()
export class WebhookQueueHealth implements OnModuleInit {
  constructor(
    private readonly registry: ReadinessRegistry,
    private readonly health: HealthIndicatorService,
    private readonly queue: WebhookQueue,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  onModuleInit(): void {
    this.registry.register('queue', async () => {
      const check = this.health.check('queue');
      try {
        const timeout = new Promise<never>((_, reject) => {
          setTimeout(() => reject(new Error(`no answer in ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref();
        });
        const counts = await Promise.race([this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized'), timeout]);
        const [{ dead }]: Array<{ dead: number }> = await this.db.query(
          `SELECT count(*)::int AS dead FROM webhook_events WHERE status = 'failed'`,
        );
        const backlog = counts.waiting + counts.delayed + counts.prioritized;
        return check.up({ backlog, active: counts.active, deadLetters: dead });
      } catch (error) {
        return check.down({ message: `queue backend unreachable: ${(error as Error).message}` });
      }
    });
  }
}
