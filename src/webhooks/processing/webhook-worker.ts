import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { inJobSpan } from '../../tracing/index.js';
import { WEBHOOK_QUEUE, WEBHOOK_QUEUE_SPAN, WebhookQueue, type WebhookJob } from '../webhook-queue.js';
import { PermanentWebhookError } from './webhook-errors.js';
import { WebhookEvents } from './webhook-events.service.js';

const MIN_RESTART_DELAY_MS = 500;
const MAX_RESTART_DELAY_MS = 10_000;

/**
 * Works the webhook queue. A failed attempt is retried with exponential backoff; the last attempt,
 * or a permanent failure, leaves the event dead-lettered (status `failed`, kept, replayable).
 *
 * The worker is owned here rather than declared with @Processor because a worker whose backend
 * connection broke (a database restart) does not recover by itself: it is closed, and a fresh one
 * starts once the database answers again, with a growing delay. On shutdown the worker finishes
 * its in-flight jobs; a replica that dies loses its job locks and another one retries the jobs
 * within about lockDuration + stalledInterval.
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookWorker.name);
  private worker?: Worker<WebhookJob>;
  private recovering = false;
  private stopped = false;
  private restartDelayMs = MIN_RESTART_DELAY_MS;

  constructor(
    private readonly queue: WebhookQueue,
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: WebhookEvents,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.worker?.close();
  }

  private start(): void {
    const worker = new Worker<WebhookJob>(WEBHOOK_QUEUE, (job) => this.process(job), {
      ...this.queue.connection.options,
      concurrency: 4,
      lockDuration: 10_000,
      stalledInterval: 5_000,
    });
    worker.on('error', (error) => this.recover(error));
    worker.on('completed', () => (this.restartDelayMs = MIN_RESTART_DELAY_MS));
    this.worker = worker;
  }

  /** One recovery at a time: close the broken worker, wait for the database, start a fresh one. */
  private recover(error: Error): void {
    if (this.recovering || this.stopped) return;
    this.recovering = true;
    this.logger.warn(`Webhook worker lost its backend (${error.message}); restarting it in ${this.restartDelayMs} ms`);
    void (async () => {
      const broken = this.worker;
      this.worker = undefined;
      await broken?.close(true).catch(() => undefined);
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, this.restartDelayMs));
        this.restartDelayMs = Math.min(this.restartDelayMs * 2, MAX_RESTART_DELAY_MS);
        if (this.stopped) return;
        if (
          await this.db.query('SELECT 1').then(
            () => true,
            () => false,
          )
        )
          break;
      }
      this.start();
      this.recovering = false;
      this.logger.log('Webhook worker restarted');
    })();
  }

  /** Each attempt in a consumer span, continuing the trace of the request that stored the event. */
  private process(job: Job<WebhookJob>): Promise<boolean> {
    const attributes = {
      ...WEBHOOK_QUEUE_SPAN,
      'messaging.operation.type': 'process',
      'messaging.message.id': job.id ?? '',
      'flowgate.job.attempt': job.attemptsMade + 1,
    };
    return inJobSpan(`process ${WEBHOOK_QUEUE}`, job.data.trace, attributes, () => this.attempt(job));
  }

  private async attempt(job: Job<WebhookJob>): Promise<boolean> {
    const { eventId } = job.data;
    try {
      return await this.events.process(eventId);
    } catch (error) {
      const message = (error as Error).message;
      const permanent = error instanceof PermanentWebhookError;
      const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await this.events
        .recordFailure(eventId, message, final)
        .catch((recordError: Error) => this.logger.error(`Could not record the failure of event ${eventId}: ${recordError.message}`));
      if (!final) this.logger.warn(`Webhook event ${eventId} attempt ${job.attemptsMade + 1} failed, will retry: ${message}`);
      throw permanent ? new UnrecoverableError(message) : error;
    }
  }
}
