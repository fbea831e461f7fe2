import { Inject, Injectable, Logger, ServiceUnavailableException, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { withTimeout } from '../../common/with-timeout.js';
import { toJsonb } from '../../database/jsonb.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { inSpan, KIND, traceCarrier } from '../../tracing/index.js';
import { webhooksConfig } from '../webhooks.config.js';
import { WEBHOOK_QUEUE, WEBHOOK_QUEUE_SPAN, WebhookQueue } from '../webhook-queue.js';
import type { IncomingEvent } from './split-events.js';

/**
 * Longest wait for one call to the queue. A queue on Redis waits for a lost Redis to come back
 * (its commands queue up); the events are already stored, so past this the reconciler queues them.
 */
const ENQUEUE_TIMEOUT_MS = 2_000;
/** Stored events queued per call to the queue backend. */
const ENQUEUE_BATCH = 500;
/**
 * Events stored per statement: a notification of 150,000 events (what 3.5 MiB can hold) is stored in
 * slices that each finish well within the statement timeout, on the embedded database too.
 */
const STORE_BATCH = 5_000;

export interface IntakeResult {
  stored: number;
  duplicates: number;
}

/**
 * Stores events durably (one idempotent insert: redeliveries hit the dedupe key) and queues the new
 * ones. A database failure is a 503, so the provider retries: nothing is acknowledged unless stored.
 * The answer does not wait for the queue: stored events are queued in the background, many per
 * call (a queue backend costs about the same for one job as for hundreds), and a queue failure
 * leaves them to the reconciler.
 */
@Injectable()
export class WebhookIntake implements OnApplicationShutdown {
  private readonly logger = new Logger(WebhookIntake.name);
  private readonly unqueued: string[] = [];
  /** Trace context of events waiting to be queued (only while tracing): their jobs carry it. */
  private readonly traces = new Map<string, Record<string, string>>();
  private queueing?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: WebhookQueue,
    @Inject(webhooksConfig.KEY) private readonly config: ConfigType<typeof webhooksConfig>,
    private readonly metrics: Metrics,
  ) {}

  async accept(source: string, events: IncomingEvent[]): Promise<IntakeResult> {
    let stored = 0;
    for (let start = 0; start < events.length; start += STORE_BATCH) {
      const slice = events.slice(start, start + STORE_BATCH);
      let rows: Array<{ id: string; dedupe_key: string }>;
      try {
        rows = await this.store(source, slice);
      } catch (error) {
        // Slices stored already stay stored (and queued): the provider's retry finds them duplicates.
        this.logger.error(`Could not store ${events.length - start} of ${events.length} ${source} webhook event(s): ${(error as Error).message}`);
        throw new ServiceUnavailableException('Webhook not stored; please retry');
      }
      stored += rows.length;
      this.count(source, slice, new Set(rows.map((row) => row.dedupe_key)));
      const ids = rows.map((row) => row.id);
      this.queueSoon(ids, this.traceOf(ids.length));
    }
    if (events.length > stored) this.logger.log(`${events.length - stored} duplicate ${source} event(s) ignored`);
    return { stored, duplicates: events.length - stored };
  }

  /** One idempotent insert of `events`; returns the rows it created (duplicates create none). */
  private store(source: string, events: IncomingEvent[]): Promise<Array<{ id: string; dedupe_key: string }>> {
    return this.db.query(
      `INSERT INTO webhook_events (source, kind, dedupe_key, payload, provider_timestamp, tenant)
         SELECT $1, kind, dedupe_key, payload, provider_timestamp, tenant
           FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::timestamptz[], $6::text[]) AS e (kind, dedupe_key, payload, provider_timestamp, tenant)
         ON CONFLICT (source, dedupe_key) DO NOTHING
         RETURNING id, dedupe_key`,
      [
        source,
        events.map((event) => event.kind),
        events.map((event) => event.dedupeKey),
        events.map((event) => toJsonb(event.payload)),
        events.map((event) => event.providerTimestamp?.toISOString() ?? null),
        events.map((event) => event.tenant ?? null),
      ],
    );
  }

  private count(source: string, events: IncomingEvent[], stored: Set<string>): void {
    events.forEach((event) => {
      this.metrics.webhookEvents.inc({ source, kind: event.kind, stage: stored.has(event.dedupeKey) ? 'received' : 'duplicate' });
      if (event.providerTimestamp) {
        this.metrics.providerLag.observe({ source }, Math.max(0, Date.now() - event.providerTimestamp.getTime()) / 1000);
      }
    });
  }

  /** Gives the queue what is still waiting before the process stops (the reconciler would, later). */
  async onApplicationShutdown(): Promise<void> {
    await this.queueing;
  }

  /** A producer span for the stored events; its context goes into their jobs (undefined when tracing is off). */
  private traceOf(count: number): Record<string, string> | undefined {
    if (count === 0) return undefined;
    const attributes = { ...WEBHOOK_QUEUE_SPAN, 'messaging.operation.type': 'create', 'messaging.batch.message_count': count };
    return inSpan(`create ${WEBHOOK_QUEUE}`, { kind: KIND.producer, attributes }, () => traceCarrier());
  }

  private queueSoon(eventIds: string[], trace?: Record<string, string>): void {
    if (eventIds.length === 0) return;
    if (trace) for (const id of eventIds) this.traces.set(id, trace);
    // Not push(...ids): a notification of 150k events would pass more arguments than a call takes.
    for (const id of eventIds) this.unqueued.push(id);
    this.queueing ??= this.drain();
  }

  /** One call to the queue at a time; what arrives meanwhile goes in the next call. */
  private async drain(): Promise<void> {
    try {
      while (this.unqueued.length > 0) await this.enqueue(this.unqueued.splice(0, ENQUEUE_BATCH));
    } finally {
      this.queueing = undefined;
    }
  }

  private takeTrace(eventId: string): { trace?: Record<string, string> } {
    const trace = this.traces.get(eventId);
    if (!trace) return {};
    this.traces.delete(eventId);
    return { trace };
  }

  /** Queues events by id; the job id is the event id, so an event is queued at most once. */
  async enqueue(eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    const adding = this.queue.addBulk(
      eventIds.map((eventId) => ({
        name: 'process',
        data: { eventId, ...this.takeTrace(eventId) },
        opts: {
          jobId: eventId,
          attempts: this.config.maxAttempts,
          backoff: { type: 'exponential', delay: this.config.backoffMs },
          removeOnComplete: { age: 24 * 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      })),
    );
    try {
      // Still running after a timeout, it may complete later: job ids keep an event queued once.
      await withTimeout(adding, ENQUEUE_TIMEOUT_MS, `no answer from the queue in ${ENQUEUE_TIMEOUT_MS} ms`);
    } catch (error) {
      this.logger.warn(`Stored ${eventIds.length} event(s) but could not queue them yet (the reconciler will): ${(error as Error).message}`);
    }
  }
}
