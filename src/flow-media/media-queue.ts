import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { QueueConnection } from '../queue/queue-connection.js';
import { ResilientQueue } from '../queue/resilient-queue.js';
import { mediaConfig } from './media.config.js';

/** The queue of background media downloads; a job's id is its flow_media row's id. */
export const MEDIA_QUEUE = 'flow-media';

export interface MediaJob {
  id: string;
}

@Injectable()
export class MediaQueue extends ResilientQueue<MediaJob> implements OnApplicationShutdown {
  constructor(
    connection: QueueConnection,
    @Inject(mediaConfig.KEY) private readonly config: ConfigType<typeof mediaConfig>,
  ) {
    super(MEDIA_QUEUE, connection);
  }

  /** Queues the downloads of these rows (a row already queued is not queued twice). */
  async enqueue(ids: string[], options: { delay?: number; jobId?: (id: string) => string } = {}): Promise<void> {
    if (ids.length === 0) return;
    await this.addBulk(
      ids.map((id) => ({
        name: 'download',
        data: { id },
        opts: {
          jobId: options.jobId?.(id) ?? id,
          delay: options.delay,
          attempts: this.config.maxAttempts,
          backoff: { type: 'exponential', delay: this.config.backoffMs },
          removeOnComplete: true,
          removeOnFail: 1_000,
        },
      })),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
