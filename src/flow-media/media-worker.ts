import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { FlowMedia } from './flow-media.service.js';
import { mediaConfig } from './media.config.js';
import { MediaFetcher } from './media-fetcher.js';
import { MediaRefusedError } from './media-errors.js';
import { MEDIA_QUEUE, MediaQueue, type MediaJob } from './media-queue.js';

/**
 * Works the media queue: each job downloads one pending file. Transient failures (a slow or
 * failing CDN) are retried with exponential backoff; a refused file, or the last attempt, leaves
 * the row `failed` with its reason. Pending rows whose job is gone (the queue was down when they
 * were recorded) are queued again at boot and every FLOW_MEDIA_RECONCILE_INTERVAL_MS.
 */
@Injectable()
export class MediaWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MediaWorker');
  private worker?: Worker<MediaJob>;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly queue: MediaQueue,
    private readonly media: FlowMedia,
    private readonly fetcher: MediaFetcher,
    @Inject(mediaConfig.KEY) private readonly config: ConfigType<typeof mediaConfig>,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
    void this.reconcile(0);
    this.timer = setInterval(() => void this.reconcile(30), this.config.reconcileIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.worker?.close();
  }

  private start(): void {
    const worker = new Worker<MediaJob>(MEDIA_QUEUE, (job) => this.process(job), {
      ...this.queue.connection.options,
      concurrency: this.config.concurrency,
      lockDuration: Math.max(10_000, this.config.timeoutMs * 2),
      stalledInterval: 5_000,
    });
    // A worker whose backend broke is replaced after a pause, like the webhook worker.
    worker.on('error', (error) => {
      if (this.stopped || this.worker !== worker) return;
      this.logger.warn(`Media worker lost its backend (${error.message}); restarting it`);
      this.worker = undefined;
      void worker.close(true).catch(() => undefined);
      setTimeout(() => !this.stopped && this.start(), 2_000).unref();
    });
    this.worker = worker;
  }

  private async process(job: Job<MediaJob>): Promise<string> {
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    try {
      return await this.media.fetchPending(job.data.id, finalAttempt);
    } catch (error) {
      if (error instanceof MediaRefusedError && error.permanent) throw new UnrecoverableError(error.message);
      throw error;
    }
  }

  /**
   * Gives up pending rows whose attempts are used up (never downloaded again), removes temporary files
   * a stopped process left, and queues pending rows older than `olderThanS` seconds whose job is
   * missing or finished.
   */
  private async reconcile(olderThanS: number): Promise<void> {
    try {
      await this.fetcher.sweepIncoming();
      const exhausted = await this.media.failExhausted();
      if (exhausted) this.logger.warn(`Gave up ${exhausted} media download(s) whose attempts were used up`);
      const ids = await this.media.pendingIds(olderThanS);
      const orphans: string[] = [];
      for (const id of ids) {
        const job = await this.queue.getJob(id);
        if (!job) orphans.push(id);
        else if (await job.isFailed()) {
          await job.remove();
          orphans.push(id);
        }
      }
      if (orphans.length) {
        await this.queue.enqueue(orphans);
        this.logger.log(`Queued ${orphans.length} pending media download(s) again`);
      }
    } catch (error) {
      this.logger.warn(`Media reconcile failed: ${(error as Error).message}`);
    }
  }
}
