import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WebhookIntake } from '../intake/webhook-intake.service.js';
import { webhooksConfig } from '../webhooks.config.js';
import { WebhookQueue } from '../webhook-queue.js';

/**
 * Finds stored events that no job will process (a crash between the insert and the enqueue, a queue
 * that was down, a job removed) and queues them again, at boot and periodically. Safe to run on
 * every replica: jobs are idempotent and a job id can be queued once.
 */
@Injectable()
export class WebhookReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookReconciler.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: WebhookQueue,
    private readonly intake: WebhookIntake,
    @Inject(webhooksConfig.KEY) private readonly config: ConfigType<typeof webhooksConfig>,
  ) {}

  onApplicationBootstrap(): void {
    void this.reconcile(0);
    this.timer = setInterval(() => void this.reconcile(), this.config.reconcileIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Queues pending events older than `minAgeMs` that have no live job; returns how many. */
  async reconcile(minAgeMs = 5_000): Promise<number> {
    try {
      const rows: Array<{ id: string }> = await this.db.query(
        `SELECT id FROM webhook_events WHERE status = 'received' AND received_at < now() - make_interval(secs => $1)
          ORDER BY received_at LIMIT 1000`,
        [minAgeMs / 1000],
      );
      const orphans: string[] = [];
      for (const { id } of rows) {
        const job = await this.queue.getJob(id);
        const state = job ? await job.getState() : 'missing';
        if (['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'].includes(state)) continue;
        if (job) await job.remove().catch(() => undefined);
        orphans.push(id);
      }
      await this.intake.enqueue(orphans);
      if (orphans.length) this.logger.warn(`Queued ${orphans.length} stored webhook event(s) that had no job`);
      return orphans.length;
    } catch (error) {
      this.logger.warn(`Webhook reconciliation failed: ${(error as Error).message}`);
      return 0;
    }
  }
}
