import { Logger } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { WEBHOOK_QUEUE, type WebhookJob } from '../webhook-queue.js';
import { PermanentWebhookError } from './webhook-errors.js';
import { WebhookEvents } from './webhook-events.service.js';

/**
 * Works the webhook queue. A failed attempt is retried with exponential backoff; the last attempt,
 * or a permanent failure, leaves the event dead-lettered (status `failed`, kept, replayable).
 * Closing the worker on shutdown lets in-flight jobs finish; a killed worker's jobs are retried.
 */
@Processor(WEBHOOK_QUEUE, { concurrency: 4 })
export class WebhookEventsProcessor extends WorkerHost {
  private readonly logger = new Logger(WebhookEventsProcessor.name);

  constructor(private readonly events: WebhookEvents) {
    super();
  }

  /** Backend outages surface here; the worker reconnects by itself. Never left unhandled. */
  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn(`Webhook worker: ${error.message}`);
  }

  async process(job: Job<WebhookJob>): Promise<boolean> {
    const { eventId } = job.data;
    try {
      return await this.events.process(eventId);
    } catch (error) {
      const message = (error as Error).message;
      const permanent = error instanceof PermanentWebhookError;
      const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await this.events.recordFailure(eventId, message, final).catch((recordError: Error) =>
        this.logger.error(`Could not record the failure of event ${eventId}: ${recordError.message}`),
      );
      if (!final) this.logger.warn(`Webhook event ${eventId} attempt ${job.attemptsMade + 1} failed, will retry: ${message}`);
      throw permanent ? new UnrecoverableError(message) : error;
    }
  }
}
