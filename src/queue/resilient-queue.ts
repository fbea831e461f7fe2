import { Logger } from '@nestjs/common';
import { Queue, type Job, type JobsOptions, type JobType } from 'bullmq';
import type { QueueConnection } from './queue-connection.js';

const REBUILD_AFTER_MS = 1_000;

/**
 * A BullMQ queue (producer side) that rebuilds itself after a failed operation: BullMQ's Postgres
 * backend keeps using a connection that broke during a database restart, so a fresh Queue is the
 * reliable way back. Operations still fail while the backend is down; callers decide what that means.
 */
export class ResilientQueue<Data extends object> {
  private readonly logger: Logger;
  private queue: Queue<Data>;
  private brokenAt = 0;

  constructor(
    readonly name: string,
    readonly connection: QueueConnection,
  ) {
    this.logger = new Logger(`Queue:${name}`);
    this.queue = this.build();
  }

  async addBulk(jobs: Array<{ name: string; data: Data; opts?: JobsOptions }>): Promise<void> {
    await this.run((queue) => queue.addBulk(jobs as never));
  }

  getJob(id: string): Promise<Job<Data> | undefined> {
    return this.run((queue) => queue.getJob(id));
  }

  getJobCounts(...types: JobType[]): Promise<Record<string, number>> {
    return this.run((queue) => queue.getJobCounts(...types));
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
  }

  private build(): Queue<Data> {
    const queue = new Queue<Data>(this.name, this.connection.options);
    // Outages surface as 'error' events; unhandled, they would end the process.
    queue.on('error', (error: Error) => this.logger.warn(error.message));
    return queue;
  }

  /** Runs an operation; after a failure, rebuilds the queue (at most once a second) and tries once more. */
  private async run<T>(operation: (queue: Queue<Data>) => Promise<T>): Promise<T> {
    try {
      return await operation(this.queue);
    } catch (error) {
      if (Date.now() - this.brokenAt < REBUILD_AFTER_MS) throw error;
      this.brokenAt = Date.now();
      const broken = this.queue;
      this.queue = this.build();
      void broken.close().catch(() => undefined);
      this.logger.warn(`Rebuilt the queue after: ${(error as Error).message}`);
      return operation(this.queue);
    }
  }
}
