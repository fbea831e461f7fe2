import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { QueueConnection } from '../queue/queue-connection.js';
import { ResilientQueue } from '../queue/resilient-queue.js';

/** The queue that processes stored webhook events; a job's id is its event's id. */
export const WEBHOOK_QUEUE = 'webhook-events';

export interface WebhookJob {
  eventId: string;
  /** W3C trace context of the request that stored the event, when traced: the worker's span continues it. */
  trace?: Record<string, string>;
}

/** Messaging attributes of the queue's spans. */
export const WEBHOOK_QUEUE_SPAN = { 'messaging.system': 'bullmq', 'messaging.destination.name': WEBHOOK_QUEUE } as const;

@Injectable()
export class WebhookQueue extends ResilientQueue<WebhookJob> implements OnApplicationShutdown {
  constructor(connection: QueueConnection) {
    super(WEBHOOK_QUEUE, connection);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
