/** The queue that processes stored webhook events; a job's id is its event's id. */
export const WEBHOOK_QUEUE = 'webhook-events';

export interface WebhookJob {
  eventId: string;
}
