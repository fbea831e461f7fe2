import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PeriodicPass } from '../../common/periodic-pass.js';
import { inSlices } from '../../database/in-slices.js';
import { webhooksConfig } from '../webhooks.config.js';

const EVERY_MS = 60 * 60 * 1000;
/** Rows per statement: a backlog (the first pass on a large table) is worked off in slices, never one long lock. */
const BATCH = 5_000;

/**
 * Keeps the webhook tables from growing for ever: a processed event (its row is the dedupe record
 * that turns Meta's redeliveries, sent for up to 7 days, into duplicates) and a message status are
 * deleted WEBHOOK_RETENTION_DAYS after they arrived (at least 7). Events still to process and dead
 * letters are kept: they are work not done yet. Runs at boot and hourly on every process; the
 * statements are idempotent.
 */
@Injectable()
export class WebhookRetention extends PeriodicPass {
  private readonly logger = new Logger(WebhookRetention.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(webhooksConfig.KEY) private readonly config: ConfigType<typeof webhooksConfig>,
  ) {
    super({ everyMs: EVERY_MS, atBoot: true });
  }

  /** One pass: processed events, then message statuses, older than the retention. */
  prune(): Promise<void> {
    return this.runPass();
  }

  protected async pass(): Promise<void> {
    try {
      const events = await inSlices(
        this.db,
        `DELETE FROM webhook_events WHERE id IN (
           SELECT id FROM webhook_events WHERE status = 'processed' AND received_at < now() - make_interval(days => $1::int)
            LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`,
        [this.config.retentionDays],
        BATCH,
      );
      const statuses = await inSlices(
        this.db,
        `DELETE FROM message_statuses WHERE (message_id, status) IN (
           SELECT message_id, status FROM message_statuses WHERE recorded_at < now() - make_interval(days => $1::int)
            LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`,
        [this.config.retentionDays],
        BATCH,
      );
      if (events + statuses > 0) {
        this.logger.log(
          `Deleted ${events} processed webhook event(s) and ${statuses} message status(es) older than ${this.config.retentionDays} days`,
        );
      }
    } catch (error) {
      this.logger.warn(`Pruning the webhook tables failed (tried again in an hour): ${(error as Error).message}`);
    }
  }
}
