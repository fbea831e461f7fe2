import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { signBody } from '../../src/flows-core/testing.js';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import { flowsNotification, statusUpdate } from '../kit/whatsapp-notifications.js';
import { eventually, sleep } from '../support/eventually.js';
import { FakeGraphApi } from '../support/fake-graph-api.js';
import { freePort } from '../support/free-port.js';
import { PROJECT_ROOT, startServer, type RunningServer } from '../support/server-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { nfmReply } from '../webhooks/fixtures.js';
import { startPrometheus, type RunningPrometheus } from './support/prometheus.js';

const DASHBOARD = join(PROJECT_ROOT, 'deploy/grafana/dashboards/flowgate.json');
const RULES = join(PROJECT_ROOT, 'deploy/prometheus/flowgate.rules.yml');
const WABA_ID = '102290129340398';
const ACCESS_TOKEN = 'EAAG-dashboard-token';
const METRICS_TOKEN = `metrics-${randomBytes(12).toString('hex')}`;
/** How long the load runs: enough scrapes (one a second) for every rate() of the panels. */
const LOAD_MS = 12_000;

interface Target {
  expr: string;
  refId: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { uid: string };
  targets?: Target[];
  fieldConfig?: { defaults: { thresholds?: { steps: Array<{ value: number | null }> } } };
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query?: { query: string } | string; allValue?: string }> };
  annotations: { list: Array<{ name: string; expr?: string; datasource?: { uid: string } }> };
}

const dashboard = (): Dashboard => JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;

/** A query as Grafana sends it: template variables and the rate interval replaced. */
function substitute(expr: string, vars: { flow: string; screen: string }): string {
  return expr.replaceAll('$__rate_interval', '1m').replaceAll('$flow', vars.flow).replaceAll('$screen', vars.screen);
}

describe('the Grafana dashboard, on a real Prometheus scraping a running Flowgate under load', () => {
  let graph: FakeGraphApi;
  let database: TestDatabase;
  let flowgate: RunningServer;
  let prometheus: RunningPrometheus;
  const keys = generateTestKeyPair();
  const appSecret = generateAppSecret();
  const metaIds: Record<string, string> = {};

  beforeAll(async () => {
    graph = await new FakeGraphApi().start();
    const meta = graph.enableFlows({ wabaId: WABA_ID, accessToken: ACCESS_TOKEN });
    for (const name of ['inventory', 'appointments', 'returns']) metaIds[name] = meta.add({ name, status: 'PUBLISHED' }).id;
    database = await createTestDatabase();
    const port = await freePort();
    // The built server, as it runs in production: a process of its own.
    flowgate = await startServer(
      {
        ...database.env,
        LOG_LEVEL: 'warn',
        DEMO_DATA: 'true',
        FLOW_PRIVATE_KEY: keys.privatePem,
        WHATSAPP_APP_SECRET: appSecret,
        METRICS_TOKEN,
        FLOW_PROBE_INTERVAL_S: '1',
        GRAPH_API_BASE_URL: graph.url,
        WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
        WHATSAPP_BUSINESS_ACCOUNT_ID: WABA_ID,
        WEBHOOK_BACKOFF_MS: '200',
        QUEUE_PREFIX: `dash${randomBytes(4).toString('hex')}`,
        CACHE_NAMESPACE: `dash-${randomBytes(4).toString('hex')}`,
      },
      port,
    );
    prometheus = await startPrometheus({ target: `127.0.0.1:${port}`, token: METRICS_TOKEN, ruleFiles: [RULES] });
    await runLoad(new FlowTestClient({ baseUrl: flowgate.url, publicKey: keys.publicPem, appSecret }));
    // Every series has been scraped a few times since the load.
    await eventually(
      () => prometheus.query('count(flowgate_flow_requests_total)'),
      (result) => (result?.length ?? 0) > 0,
      15_000,
    );
    await sleep(3_000);
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await flowgate?.stop();
    await database?.drop();
    await graph?.stop();
  });

  /** A short load of real requests, signed and encrypted like WhatsApp's, and the webhooks that go with them. */
  async function runLoad(client: FlowTestClient): Promise<void> {
    const post = async (body: unknown) => {
      const bytes = Buffer.from(JSON.stringify(body));
      const response = await fetch(`${flowgate.url}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(bytes, appSecret) },
        body: bytes,
      });
      expect(response.status).toBe(200);
    };
    const now = Math.floor(Date.now() / 1000);
    await post(
      flowsNotification({ event: 'ENDPOINT_LATENCY', flow_id: metaIds.inventory, alert_state: 'ACTIVATED', threshold: 1000, p90_latency: 1400 }, now),
    );
    await post(flowsNotification({ event: 'FLOW_STATUS_CHANGE', flow_id: metaIds.inventory, old_status: 'PUBLISHED', new_status: 'THROTTLED' }, now));
    await post(flowsNotification({ event: 'FLOW_VERSION_EXPIRY_WARNING', flow_id: metaIds.returns, warning: 'freezes in 21 days' }, now));

    const steps: Array<(n: number) => Promise<unknown>> = [
      (n) => client.dataExchange('inventory', `dash-${n}`, 'INVENTORY', { product_id: 'PROD-99' }),
      (n) => client.dataExchange('inventory', `dash-${n}`, 'INVENTORY', { product_id: 'NOPE-404' }),
      (n) => client.init('returns', `dash-r-${n}`),
      () => client.ping('inventory'),
      (n) => client.init('appointments', `not-issued-${n}`), // 427: appointments accepts issued tokens only
      () => client.ping('inventory', { signWith: null }), // 432
      () => client.ping('inventory', { oaepHash: 'sha1' }), // 421
      (n) => client.errorNotification('inventory', `dash-${n}`, 'INVENTORY', 'payload-schema-error', 'bad data'),
      (n) => post(nfmReply(`dash-${n}`, { plan: 'x' })),
      (n) => post(statusUpdate(`wamid.DASH${n}`, 'delivered')),
    ];
    const until = Date.now() + LOAD_MS;
    let n = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (Date.now() < until) {
          const i = n++;
          await steps[i % steps.length](i);
        }
      }),
    );
  }

  /** Every query of every panel, with what it is for. */
  const panelQueries = () =>
    dashboard().panels.flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}" ${target.refId}`, expr: target.expr })),
    );

  it.each([
    { flow: '.*', screen: '.*' },
    { flow: 'inventory', screen: '.*' },
    { flow: 'inventory', screen: 'INVENTORY' },
  ])('every panel query returns data ($flow / $screen)', async (vars) => {
    const empty: string[] = [];
    for (const { where, expr } of panelQueries()) {
      const result = await prometheus.query(substitute(expr, vars));
      const values = result.map((sample) => Number(sample.value?.[1]));
      if (!values.some((value) => Number.isFinite(value))) empty.push(`${where}: ${substitute(expr, vars)} → ${JSON.stringify(result)}`);
    }
    expect(empty).toEqual([]);
  });

  it("Meta's alerts and flow status are annotations, and return data", async () => {
    const annotations = dashboard().annotations.list.filter((annotation) => annotation.expr);
    expect(annotations.map((a) => a.name)).toEqual(["Meta's alerts", 'Flow throttled or blocked']);
    for (const annotation of annotations) {
      const result = await prometheus.query(substitute(annotation.expr!, { flow: 'inventory', screen: '.*' }));
      expect(result.length).toBeGreaterThan(0);
    }
    expect(await prometheus.query(substitute(annotations[0].expr!, { flow: 'inventory', screen: '.*' }))).toEqual([
      expect.objectContaining({ metric: { flow: 'inventory', event: 'ENDPOINT_LATENCY' } }),
    ]);
  });

  it('the flow and screen variables list the flows and their screens', async () => {
    const values = async (label: string, match: string) =>
      prometheus.get<string[]>(`/api/v1/label/${label}/values?${new URLSearchParams({ 'match[]': match })}`);
    const variables = dashboard().templating.list;
    expect(variables.map((v) => v.name)).toEqual(['datasource', 'flow', 'screen']);
    expect(await values('flow', 'flowgate_flow_requests_total')).toEqual(expect.arrayContaining(['appointments', 'inventory', 'returns']));
    expect(await values('screen', 'flowgate_flow_requests_total{flow=~"inventory"}')).toContain('INVENTORY');
  });

  it("the rules run on this Prometheus: Meta's alert and the throttled flow fire, the endpoint error alerts do not", async () => {
    const firing = await eventually(
      async () => (await prometheus.get<{ alerts: Array<{ labels: Record<string, string>; state: string }> }>('/api/v1/alerts')).alerts,
      (alerts) => alerts.filter((a) => a.state === 'firing').length >= 3,
      15_000,
    );
    const names = firing.filter((a) => a.state === 'firing').map((a) => `${a.labels.alertname} ${a.labels.flow}`);
    expect(names).toEqual(
      expect.arrayContaining(['FlowgateMetaHealthAlert inventory', 'FlowgateMetaFlowRestricted inventory', 'FlowgateFlowVersionExpiring returns']),
    );
    expect(names.filter((name) => /EndpointErrorShare|SyntheticPing|Latency/.test(name))).toEqual([]);
    expect(await prometheus.query('flowgate:flow_requests:rate5m{flow="inventory"}')).toHaveLength(1);
    expect(await prometheus.query('flowgate:probe_success:ratio_rate2m{flow="inventory"} == 1')).toHaveLength(1);
  });

  it('is a provisionable Grafana dashboard: one Prometheus variable, Meta’s threshold lines, unique panels', () => {
    const board = dashboard();
    expect(board.uid).toBe('flowgate');
    const ids = board.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of board.panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource?.uid).toBe('${datasource}');
      expect(panel.gridPos.w).toBeGreaterThan(0);
    }
    const steps = (title: RegExp) =>
      board.panels
        .find((panel) => title.test(panel.title))!
        .fieldConfig!.defaults.thresholds!.steps.flatMap((step) => (step.value === null ? [] : [step.value]));
    expect(steps(/^Response time p50 \/ p90/)).toEqual([1, 5, 7]);
    expect(steps(/^Endpoint error share/)).toEqual([0.05, 0.1, 0.5]);
    const provisioning = parse(readFileSync(join(PROJECT_ROOT, 'deploy/grafana/provisioning/dashboards/flowgate.yaml'), 'utf8')) as {
      providers: Array<{ type: string; options: { path: string } }>;
    };
    expect(provisioning.providers).toEqual([
      expect.objectContaining({ type: 'file', options: expect.objectContaining({ path: expect.any(String) }) }),
    ]);
  });
});
