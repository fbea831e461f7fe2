import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { withTimeout } from '../../common/with-timeout.js';
import { MetaFlowNames } from '../../meta-flows/meta-flow-names.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { FLOW_STATUSES, flowHealth, readFlowAlerts, type FlowHealth } from './flow-alert-state.js';

const READ_TIMEOUT_MS = 1_500;
/** One read serves the scrape's three families. */
const READ_REUSE_MS = 1_000;

/**
 * Meta's alerts and each flow's status as series, read from Postgres at every scrape: the same on
 * every replica and after any restart, whichever process received the webhook.
 * - `flowgate_meta_flow_alert{event,flow,flow_id}`: 1 while Meta's alert is ACTIVATED, 0 after DEACTIVATED
 *   (FLOW_VERSION_EXPIRY_WARNING: 1 for 21 days, or until the flow is published again);
 * - `flowgate_meta_flow_alert_threshold{event,flow,flow_id}`: the highest threshold active (0: none);
 * - `flowgate_meta_flow_status{flow,flow_id,status}`: 1 for the flow's current status, 0 for the others.
 * `flow` is the flow module's name when Meta's list of flows names it, else Meta's id.
 */
@Injectable()
export class FlowAlertMetrics implements OnModuleInit {
  private readonly logger = new Logger(FlowAlertMetrics.name);
  private last?: { at: number; health: Promise<FlowHealth & { names: ReadonlyMap<string, string> }> };
  private failing = false;

  constructor(
    private readonly metrics: Metrics,
    private readonly names: MetaFlowNames,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  onModuleInit(): void {
    const registers = [this.metrics.registry];
    // Every worker of a cluster reads the same rows: the figure is any one of them, not the sum.
    const alert: Gauge<'event' | 'flow' | 'flow_id'> = new Gauge({
      name: 'flowgate_meta_flow_alert',
      help: "Meta's alerts from the flows webhooks (ENDPOINT_ERROR_RATE, ENDPOINT_LATENCY, ENDPOINT_AVAILABILITY, CLIENT_ERROR_RATE, FLOW_VERSION_EXPIRY_WARNING): 1 while activated",
      labelNames: ['event', 'flow', 'flow_id'] as const,
      aggregator: 'max',
      registers,
      collect: () => this.fill(alert, (health, flow) => health.alerts.map((a) => [{ event: a.event, ...flow(a.flowId) }, a.active ? 1 : 0])),
    });
    const threshold: Gauge<'event' | 'flow' | 'flow_id'> = new Gauge({
      name: 'flowgate_meta_flow_alert_threshold',
      help: "The highest threshold of Meta's alert that is activated (percent, or milliseconds for ENDPOINT_LATENCY); 0 when none",
      labelNames: ['event', 'flow', 'flow_id'] as const,
      aggregator: 'max',
      registers,
      collect: () => this.fill(threshold, (health, flow) => health.alerts.map((a) => [{ event: a.event, ...flow(a.flowId) }, a.threshold])),
    });
    const status: Gauge<'flow' | 'flow_id' | 'status'> = new Gauge({
      name: 'flowgate_meta_flow_status',
      help: "Each flow's status on Meta from FLOW_STATUS_CHANGE webhooks: 1 for the current one (DRAFT, PUBLISHED, THROTTLED, BLOCKED, DEPRECATED)",
      labelNames: ['flow', 'flow_id', 'status'] as const,
      aggregator: 'max',
      registers,
      collect: () =>
        this.fill(status, (health, flow) =>
          health.statuses.flatMap(({ flowId, status: current }) =>
            [...new Set([...FLOW_STATUSES, current])].map((name) => [{ ...flow(flowId), status: name }, name === current ? 1 : 0] as const),
          ),
        ),
    });
  }

  /** Replaces a family's series with what the stored rows say; keeps the last ones when the database does not answer. */
  private async fill<L extends string>(
    gauge: Gauge<L>,
    series: (
      health: FlowHealth,
      flow: (flowId: string) => { flow: string; flow_id: string },
    ) => ReadonlyArray<readonly [Partial<Record<L, string>>, number]>,
  ): Promise<void> {
    let health: FlowHealth & { names: ReadonlyMap<string, string> };
    try {
      health = await this.read();
    } catch (error) {
      if (!this.failing) this.logger.warn(`Cannot read Meta's flow alerts for the metrics: ${(error as Error).message}`);
      this.failing = true;
      return;
    }
    this.failing = false;
    gauge.reset();
    const flow = (flowId: string) => ({ flow: health.names.get(flowId) ?? flowId, flow_id: flowId });
    for (const [labels, value] of series(health, flow)) gauge.set(labels, value);
  }

  private read(): Promise<FlowHealth & { names: ReadonlyMap<string, string> }> {
    if (!this.last || Date.now() - this.last.at > READ_REUSE_MS) {
      const health = (async () => {
        const rows = await withTimeout(readFlowAlerts(this.db), READ_TIMEOUT_MS, `no answer in ${READ_TIMEOUT_MS} ms`);
        // Meta's ids are named only when there is something to name.
        const names = rows.length > 0 ? await this.names.current(1_000) : new Map<string, string>();
        return { ...flowHealth(rows), names };
      })();
      this.last = { at: Date.now(), health };
      health.catch(() => (this.last = undefined));
    }
    return this.last.health;
  }
}
