import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signBody } from '../../src/flows-core/testing.js';
import { flowHealth, type StoredFlowAlert } from '../../src/webhooks/flow-alerts/flow-alert-state.js';
import { flowsNotification } from '../kit/whatsapp-notifications.js';
import { eventually } from '../support/eventually.js';
import { FakeGraphApi } from '../support/fake-graph-api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { DataSource } from 'typeorm';
import { createTestDatabase, usingRealPostgres, type TestDatabase } from '../support/test-database.js';

const WABA_ID = '102290129340398';
const ACCESS_TOKEN = 'EAAG-flow-alerts-token';
const UNKNOWN_FLOW = '9990001112223334';

describe("Meta's flows webhooks as series (flowgate_meta_flow_alert, flowgate_meta_flow_status)", () => {
  let graph: FakeGraphApi;
  let database: TestDatabase;
  let test: TestApp;
  let inventoryId: string;
  const env = () => ({
    GRAPH_API_BASE_URL: graph.url,
    WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
    WHATSAPP_BUSINESS_ACCOUNT_ID: WABA_ID,
    WEBHOOK_BACKOFF_MS: '100',
  });
  const post = async (app: TestApp, body: unknown) => {
    const bytes = Buffer.from(JSON.stringify(body));
    const response = await fetch(`${app.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(bytes, app.appSecret) },
      body: bytes,
    });
    expect(response.status).toBe(200);
  };
  const scrape = async (app: TestApp) => (await fetch(`${app.url}/metrics`)).text();
  const series = (text: string, family: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${family}{`))
      .sort();

  beforeAll(async () => {
    graph = await new FakeGraphApi().start();
    const meta = graph.enableFlows({ wabaId: WABA_ID, accessToken: ACCESS_TOKEN });
    inventoryId = meta.add({ name: 'inventory', status: 'PUBLISHED' }).id;
    database = await createTestDatabase();
    test = await startTestApp({ database, env: env() });

    const t = Math.floor(Date.now() / 1000) - 600;
    const alert = (event: string, state: string, threshold: number, extra: Record<string, unknown> = {}) => ({
      event,
      message: `The flow endpoint ${event} reached +351 910 000 000`,
      flow_id: inventoryId,
      alert_state: state,
      threshold,
      ...extra,
    });
    // Error rate: crossed 5 %, then 10 %, then back below 10 %: the 5 % alert still stands.
    await post(test, flowsNotification(alert('ENDPOINT_ERROR_RATE', 'ACTIVATED', 5, { error_rate: 6.1 }), t));
    await post(test, flowsNotification(alert('ENDPOINT_ERROR_RATE', 'ACTIVATED', 10, { error_rate: 12 }), t + 60));
    await post(test, flowsNotification(alert('ENDPOINT_ERROR_RATE', 'DEACTIVATED', 10, { error_rate: 7 }), t + 120));
    await post(test, flowsNotification(alert('ENDPOINT_LATENCY', 'ACTIVATED', 1000, { p90_latency: 1500, requests_count: 34 }), t));
    // Delivered out of order: the recovery is newer than the alert that arrives after it.
    await post(test, flowsNotification(alert('CLIENT_ERROR_RATE', 'DEACTIVATED', 5), t + 300));
    await post(test, flowsNotification(alert('CLIENT_ERROR_RATE', 'ACTIVATED', 5), t + 200));
    await post(
      test,
      flowsNotification(
        {
          event: 'FLOW_STATUS_CHANGE',
          message: 'Flow inventory changed status',
          flow_id: inventoryId,
          old_status: 'PUBLISHED',
          new_status: 'THROTTLED',
        },
        t + 10,
      ),
    );
    await post(
      test,
      flowsNotification(
        { event: 'FLOW_VERSION_EXPIRY_WARNING', warning: 'Your current Flow version will freeze in 21 days.', flow_id: UNKNOWN_FLOW },
        t,
      ),
    );
    await eventually(
      async () =>
        (await test.app.get(DataSource).query(`SELECT count(*)::int AS n FROM webhook_events WHERE kind = 'flows_alert' AND status = 'processed'`))[0]
          .n as number,
      (n) => n === 8,
      20_000,
    );
  }, 60_000);

  afterAll(async () => {
    await test?.close();
    await database?.drop();
    await graph?.stop();
  });

  it('1 while an alert is activated (at any threshold), 0 after it is deactivated, in the order of Meta’s times', async () => {
    const text = await scrape(test);
    expect(series(text, 'flowgate_meta_flow_alert')).toEqual(
      [
        `flowgate_meta_flow_alert{event="CLIENT_ERROR_RATE",flow="inventory",flow_id="${inventoryId}"} 0`,
        `flowgate_meta_flow_alert{event="ENDPOINT_ERROR_RATE",flow="inventory",flow_id="${inventoryId}"} 1`,
        `flowgate_meta_flow_alert{event="ENDPOINT_LATENCY",flow="inventory",flow_id="${inventoryId}"} 1`,
        `flowgate_meta_flow_alert{event="FLOW_VERSION_EXPIRY_WARNING",flow="${UNKNOWN_FLOW}",flow_id="${UNKNOWN_FLOW}"} 1`,
      ].sort(),
    );
    expect(series(text, 'flowgate_meta_flow_alert_threshold')).toContain(
      `flowgate_meta_flow_alert_threshold{event="ENDPOINT_ERROR_RATE",flow="inventory",flow_id="${inventoryId}"} 5`,
    );
  });

  it("the flow's status on Meta: 1 for the current one, 0 for the others", async () => {
    const text = await scrape(test);
    const statuses = series(text, 'flowgate_meta_flow_status');
    expect(statuses).toContain(`flowgate_meta_flow_status{flow="inventory",flow_id="${inventoryId}",status="THROTTLED"} 1`);
    expect(statuses).toContain(`flowgate_meta_flow_status{flow="inventory",flow_id="${inventoryId}",status="PUBLISHED"} 0`);
    expect(statuses.filter((line) => line.endsWith(' 1'))).toHaveLength(1);
  });

  // Two processes on one database need a real Postgres (the embedded one belongs to one process).
  (usingRealPostgres() ? it : it.skip)(
    'the series come from Postgres: another (or a restarted) process shows the same, and a recovery reaches every process (needs DATABASE_URL)',
    async () => {
      const second = await startTestApp({ database, env: env(), appSecret: test.appSecret });
      try {
        const before = await scrape(test);
        const other = await scrape(second);
        for (const family of ['flowgate_meta_flow_alert', 'flowgate_meta_flow_status']) expect(series(other, family)).toEqual(series(before, family));

        // Recovered, and back to PUBLISHED: received by the second process, seen by the first.
        const t = Math.floor(Date.now() / 1000);
        await post(second, flowsNotification({ event: 'ENDPOINT_ERROR_RATE', flow_id: inventoryId, alert_state: 'DEACTIVATED', threshold: 5 }, t));
        await post(
          second,
          flowsNotification({ event: 'FLOW_STATUS_CHANGE', flow_id: inventoryId, old_status: 'THROTTLED', new_status: 'PUBLISHED' }, t),
        );
        const after = await eventually(
          () => scrape(test),
          (text) =>
            text.includes(`flowgate_meta_flow_alert{event="ENDPOINT_ERROR_RATE",flow="inventory",flow_id="${inventoryId}"} 0`) &&
            text.includes(`flowgate_meta_flow_status{flow="inventory",flow_id="${inventoryId}",status="PUBLISHED"} 1`),
          20_000,
        );
        expect(after).toContain(`flowgate_meta_flow_alert_threshold{event="ENDPOINT_ERROR_RATE",flow="inventory",flow_id="${inventoryId}"} 0`);
      } finally {
        await second.close();
      }
    },
    60_000,
  );

  it('labels carry ids and names only, never the text of a notification', async () => {
    const text = await scrape(test);
    // The series names and labels, without their values (a value may hold any digits).
    const series = text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.slice(0, line.lastIndexOf(' ')))
      .join('\n');
    expect(series).toContain('flowgate_meta_flow_alert');
    expect(series).not.toContain('910');
    expect(series).not.toContain('freeze');
    expect(text).not.toContain(ACCESS_TOKEN);
  });

  it('a version expiry warning stands 21 days, or until the flow is published again', () => {
    const at = (days: number) => new Date(Date.UTC(2026, 0, 1) + days * 86_400_000);
    const warning: StoredFlowAlert = {
      flowId: '1',
      event: 'FLOW_VERSION_EXPIRY_WARNING',
      threshold: 0,
      active: true,
      status: null,
      occurredAt: at(0),
    };
    const published = (days: number): StoredFlowAlert => ({ ...warning, event: 'FLOW_STATUS_CHANGE', status: 'PUBLISHED', occurredAt: at(days) });
    const active = (rows: StoredFlowAlert[], now: Date) => flowHealth(rows, now).alerts[0].active;
    expect(active([warning], at(20))).toBe(true);
    expect(active([warning], at(22))).toBe(false);
    expect(active([warning, published(3)], at(5))).toBe(false);
    expect(active([warning, published(-3)], at(5))).toBe(true);
  });
});
