import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { clusterMetricsText, inCluster, joinClusterMetrics } from './cluster-metrics.js';

/**
 * Sampling interval of the event-loop delay histogram. Node records each sample as the whole
 * interval plus the delay, so `nodejs_eventloop_lag_*` read this much above the real lag.
 */
export const EVENT_LOOP_RESOLUTION_MS = 10;

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/**
 * Data endpoint answers: a bucket at each of Meta's latency thresholds (p90 over 1 s, 5 s, 7 s: "more
 * than 10 % slower than X" is read off the bucket at exactly X) and at its 10 s timeout.
 */
export const FLOW_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 7, 10];

/**
 * Every Prometheus metric of the service, in one registry per application. Labels are bounded sets
 * (flow names, screen ids of the Flow JSON, outcomes, key fingerprints): never tokens, phone numbers
 * or payloads.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly flowRequests = new Counter({
    name: 'flowgate_flow_requests_total',
    help: 'Data endpoint requests by flow, screen, action and outcome',
    labelNames: ['flow', 'screen', 'action', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly flowDuration = new Histogram({
    name: 'flowgate_flow_request_duration_seconds',
    help: 'Data endpoint response time, from the first byte in to the last byte out',
    labelNames: ['flow', 'action', 'outcome', 'screen'] as const,
    buckets: FLOW_SECONDS,
    registers: [this.registry],
  });
  // A tenant's requests (TENANTS_DIR) also count here, by tenant name (a bounded set the operator
  // configures; never a WABA or phone number id). Single-tenant requests are not in these series.
  readonly tenantFlowRequests = new Counter({
    name: 'flowgate_tenant_flow_requests_total',
    help: "Requests to a tenant's data endpoint by tenant, flow, action and outcome",
    labelNames: ['tenant', 'flow', 'action', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly tenantFlowDuration = new Histogram({
    name: 'flowgate_tenant_flow_request_duration_seconds',
    help: "Response time of a tenant's data endpoint, by tenant and flow",
    labelNames: ['tenant', 'flow'] as const,
    buckets: FLOW_SECONDS,
    registers: [this.registry],
  });
  readonly tenantWebhookEvents = new Counter({
    name: 'flowgate_tenant_webhook_events_total',
    help: 'Webhook events received on a tenant webhook URL, by the tenant they were attributed to and kind',
    labelNames: ['tenant', 'kind'] as const,
    registers: [this.registry],
  });
  readonly decryptionFailures = new Counter({
    name: 'flowgate_flow_decryption_failures_total',
    help: 'Requests answered 421, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly decryptionDuration = new Histogram({
    name: 'flowgate_flow_decryption_duration_seconds',
    help: 'Time to open a request envelope (RSA unwrap of the AES key and AES-GCM decryption), by the key that opened it',
    labelNames: ['key'] as const,
    // An RSA-2048 unwrap takes about 0.25 ms on one core: the buckets resolve that, and contention above it.
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05],
    registers: [this.registry],
  });

  readonly requestsByKey = new Counter({
    name: 'flowgate_flow_requests_by_key_total',
    help: 'Requests decrypted by each key of the ring (retire a previous key when its count stops growing)',
    labelNames: ['key'] as const,
    registers: [this.registry],
  });
  readonly clientErrors = new Counter({
    name: 'flowgate_flow_client_errors_total',
    help: 'Error notifications sent by WhatsApp clients, by error key',
    labelNames: ['flow', 'error'] as const,
    registers: [this.registry],
  });
  readonly flowTokenSignatures = new Counter({
    name: 'flowgate_flow_token_signatures_total',
    help: 'flow_token_signature checks of data endpoint requests (Data API 4.0), by flow and outcome (valid, invalid, mismatch, missing, unsigned)',
    labelNames: ['flow', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly flowCompletions = new Counter({
    name: 'flowgate_flow_completions_total',
    help: 'Flow completions (nfm_reply) by flow and outcome (completed, identity_mismatch, identity_unverifiable, no_session)',
    labelNames: ['flow', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly handlerDuration = new Histogram({
    name: 'flowgate_flow_handler_duration_seconds',
    help: 'Time spent in flow handlers (their database and cache work)',
    labelNames: ['flow'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly dbQueryDuration = new Histogram({
    name: 'flowgate_db_query_duration_seconds',
    help: 'Database query time, by the flow whose handler ran the query (- outside flow handlers) and outcome',
    labelNames: ['flow', 'outcome'] as const,
    buckets: [0.001, 0.0025, ...SECONDS],
    registers: [this.registry],
  });
  readonly cacheRequests = new Counter({
    name: 'flowgate_cache_requests_total',
    help: 'Read-through cache lookups by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly webhookEvents = new Counter({
    name: 'flowgate_webhook_events_total',
    help: 'Webhook events by source, kind and stage (received, duplicate, processed, retried, dead_lettered)',
    labelNames: ['source', 'kind', 'stage'] as const,
    registers: [this.registry],
  });
  readonly webhookProcessing = new Histogram({
    name: 'flowgate_webhook_processing_seconds',
    help: 'From receiving a webhook event to having processed it',
    labelNames: ['kind'] as const,
    buckets: [...SECONDS, 30, 60, 300],
    registers: [this.registry],
  });
  readonly providerLag = new Histogram({
    name: 'flowgate_webhook_provider_lag_seconds',
    help: "Provider's event time to our receive time (time the provider's hops ate)",
    labelNames: ['source'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private webhookBacklogSource?: () => Promise<Record<string, number>>;
  readonly webhookBacklog = new Gauge({
    name: 'flowgate_webhook_backlog',
    help: 'Webhook jobs waiting, delayed and active, and dead-lettered events, read at scrape time',
    labelNames: ['state'] as const,
    // Every worker reads the same shared queue: the cluster figure is any one of them, not the sum.
    aggregator: 'max',
    registers: [this.registry],
    collect: async () => {
      const counts = await this.webhookBacklogSource?.().catch(() => undefined);
      for (const [state, value] of Object.entries(counts ?? {})) this.webhookBacklog.set({ state }, value);
    },
  });
  readonly bodyBytesInFlight = new Gauge({
    name: 'flowgate_http_body_bytes_in_flight',
    help: 'Request body bytes being received or held (HTTP_BODIES_IN_FLIGHT_BYTES bounds it)',
    registers: [this.registry],
  });
  readonly outboundSends = new Counter({
    name: 'flowgate_outbound_sends_total',
    help: 'Outbound messages by channel, kind and result',
    labelNames: ['channel', 'kind', 'result'] as const,
    registers: [this.registry],
  });

  readonly mediaDownloads = new Counter({
    name: 'flowgate_media_downloads_total',
    help: 'Flow media downloads by source (data_exchange, completion) and result (ok, hash_mismatch, mac_mismatch, too_large, host_refused, timeout, not_found, invalid, type_refused, unavailable)',
    labelNames: ['source', 'result'] as const,
    registers: [this.registry],
  });
  readonly mediaBytes = new Counter({
    name: 'flowgate_media_bytes_total',
    help: 'Bytes of flow media kept (decrypted size), by source',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  readonly mediaDownloadDuration = new Histogram({
    name: 'flowgate_media_download_seconds',
    help: 'Time to download and verify one flow media file, by source',
    labelNames: ['source'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 60],
    registers: [this.registry],
  });

  constructor() {
    // Process metrics, including event-loop lag.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_RESOLUTION_MS });
    joinClusterMetrics(this.registry);
  }

  /** Where the webhook backlog is read from at each scrape. */
  measureWebhookBacklog(source: () => Promise<Record<string, number>>): void {
    this.webhookBacklogSource = source;
  }

  /** The exposition for a scrape: this process's metrics, or the whole cluster's under WEB_CONCURRENCY. */
  async exposition(): Promise<string> {
    return inCluster() ? clusterMetricsText() : this.registry.metrics();
  }
}
