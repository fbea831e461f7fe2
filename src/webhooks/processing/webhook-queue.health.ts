import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { withTimeout } from '../../common/with-timeout.js';
import { ReadinessRegistry } from '../../health/readiness-registry.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { WebhookQueue } from '../webhook-queue.js';

const TIMEOUT_MS = 1_500;

/** Readiness: the queue backend answers; reports the backlog and the dead letters (also as metrics). */
@Injectable()
export class WebhookQueueHealth implements OnModuleInit {
  constructor(
    private readonly registry: ReadinessRegistry,
    private readonly health: HealthIndicatorService,
    private readonly queue: WebhookQueue,
    @InjectDataSource() private readonly db: DataSource,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.registry.register('queue', async () => {
      const check = this.health.check('queue');
      try {
        const { waiting, delayed, active, dead_lettered: deadLetters } = await this.counts();
        return check.up({ backlog: waiting + delayed, active, deadLetters });
      } catch (error) {
        return check.down({ message: `queue backend unreachable: ${(error as Error).message}` });
      }
    });
    this.metrics.measureWebhookBacklog(() => this.counts());
  }

  private async counts() {
    const counts = await withTimeout(
      this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
      TIMEOUT_MS,
      `no answer in ${TIMEOUT_MS} ms`,
    );
    const [{ dead }]: Array<{ dead: number }> = await this.db.query(`SELECT count(*)::int AS dead FROM webhook_events WHERE status = 'failed'`);
    return { waiting: counts.waiting + counts.prioritized, delayed: counts.delayed, active: counts.active, dead_lettered: dead };
  }
}
