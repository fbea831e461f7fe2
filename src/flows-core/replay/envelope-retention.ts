import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PeriodicPass } from '../../common/periodic-pass.js';
import { inSlices } from '../../database/in-slices.js';
import { flowsConfig } from '../flows.config.js';

const EVERY_MS = 60_000;
/** Rows per statement: a backlog (after downtime) is worked off in slices, never one long lock. */
const BATCH = 5_000;

/**
 * Keeps flow_envelopes small: an answer's bytes are dropped once FLOW_REPLAY_WINDOW_S has passed
 * (replays are refused from then on; the reads already ignore older ones), and the record of a key
 * once its token has been expired for FLOW_REPLAY_RETENTION_DAYS (a 427 for such a token goes
 * without a body). Every process runs it; the statements are idempotent.
 */
@Injectable()
export class EnvelopeRetention extends PeriodicPass {
  private readonly logger = new Logger(EnvelopeRetention.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(flowsConfig.KEY) private readonly config: ConfigType<typeof flowsConfig>,
  ) {
    super({ everyMs: EVERY_MS, atBoot: false });
  }

  /** One pass (also called by tests): answers past the window, then records past the retention. */
  prune(): Promise<void> {
    return this.runPass();
  }

  protected async pass(): Promise<void> {
    try {
      await inSlices(
        this.db,
        `UPDATE flow_envelopes SET body = NULL WHERE key_hash IN (
           SELECT key_hash FROM flow_envelopes WHERE body IS NOT NULL AND created_at < now() - make_interval(secs => $1::int) LIMIT ${BATCH})`,
        [this.config.replayWindowS],
        BATCH,
      );
      await inSlices(
        this.db,
        `DELETE FROM flow_envelopes WHERE key_hash IN (
           SELECT key_hash FROM flow_envelopes WHERE expires_at < now() - make_interval(days => $1::int) LIMIT ${BATCH})`,
        [this.config.replayRetentionDays],
        BATCH,
      );
    } catch (error) {
      this.logger.warn(`Pruning flow_envelopes failed (tried again in a minute): ${(error as Error).message}`);
    }
  }
}
