import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { QueueConnection } from '../queue/queue-connection.js';
import { ResilientQueue } from '../queue/resilient-queue.js';

/** The queue that processes stored webhook events; a job's id is its event's id. */
export const WEBHOOK_QUEUE = 'webhook-events';

export interface WebhookJob {
  eventId: string;
}

@Injectable()
export class WebhookQueue extends ResilientQueue<WebhookJob> implements OnApplicationShutdown {
  constructor(connection: QueueConnection) {
    super(WEBHOOK_QUEUE, connection);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
