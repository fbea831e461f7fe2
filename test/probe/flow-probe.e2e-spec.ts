import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signBody } from '../../src/flows-core/testing.js';
import { eventually } from '../support/eventually.js';
import { registeredFlowNames } from '../support/registered-flows.js';
import { flowJsonIn } from '../support/test-app.js';
import { TenantFolders, tenantClient } from '../tenants/tenant-folders.js';
import { RoundRobinProxy } from '../support/round-robin-proxy.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const FLOWS = ['appointments', 'inventory', 'returns'];

/** The value of one series in a scrape (0 when absent). */
function valueOf(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
/** The sum of the series of `name` whose labels include every pair of `labels`, whatever their order. */
function sumOf(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const set = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(labels).every(([label, value]) => set.split(',').includes(`${label}="${value}"`)))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
const scrape = async (app: TestApp) => (await fetch(`${app.url}/metrics`)).text();
const probes = (flow: string, target: string, result: string) =>
  `flowgate_probe_requests_total{flow="${flow}",target="${target}",result="${result}"}`;

describe('the synthetic ping (FLOW_PROBE_INTERVAL_S)', () => {
  let local: TestApp;
  let viaProxy: TestApp;
  let broken: TestApp;
  let proxy: RoundRobinProxy;
  let badEndpoint: Server;
  let badUrl: string;

  beforeAll(async () => {
    local = await startTestApp({ env: { FLOW_PROBE_INTERVAL_S: '1' } });
    proxy = await new RoundRobinProxy().start();
    proxy.add(local.url);
    await proxy.waitUntil(local.url);
    // Same keys and app secret as `local`, as replicas have: its pings go through the proxy to `local`.
    viaProxy = await startTestApp({ appSecret: local.appSecret, env: { FLOW_PROBE_INTERVAL_S: '1', FLOW_PROBE_URL: proxy.url } });
    // An endpoint that answers wrong: 500, nothing at all, or a 200 that is no encrypted reply.
    badEndpoint = createServer((req, res) => {
      req.resume();
      if (req.url === '/flows/inventory') res.writeHead(500).end('{"message":"Internal error"}');
      else if (req.url === '/flows/returns') res.writeHead(200, { 'content-type': 'text/plain' }).end('bm90IGFuIGFuc3dlcg==');
      // appointments: never answered
    });
    await new Promise<void>((resolve) => badEndpoint.listen(0, '127.0.0.1', resolve));
    badUrl = `http://127.0.0.1:${(badEndpoint.address() as { port: number }).port}`;
    broken = await startTestApp({ env: { FLOW_PROBE_INTERVAL_S: '1', FLOW_PROBE_URL: badUrl, FLOW_PROBE_TIMEOUT_MS: '300' } });
  }, 90_000);

  afterAll(async () => {
    await Promise.all([local?.close(), viaProxy?.close(), broken?.close()]);
    await proxy?.stop();
    badEndpoint?.closeAllConnections();
    await new Promise((resolve) => badEndpoint?.close(resolve));
  });

  it("pings every flow on the process's own listener, signed and encrypted, and counts each decrypted answer", async () => {
    const text = await eventually(
      () => scrape(local),
      (t) => FLOWS.every((flow) => valueOf(t, probes(flow, 'local', 'ok')) >= 2),
      20_000,
    );
    for (const flow of FLOWS) expect(valueOf(text, probes(flow, 'local', 'ok'))).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/flowgate_probe_duration_seconds_bucket\{le="1",flow="inventory",target="local"\} [1-9]/);
    expect(text).not.toMatch(/flowgate_probe_requests_total\{[^}]*result="(?!ok)/);
  });

  it("keeps its pings out of the data endpoint's request metrics, but not a ping from anyone else", async () => {
    await eventually(
      () => scrape(local),
      (t) => valueOf(t, probes('inventory', 'local', 'ok')) >= 3,
      20_000,
    );
    expect(await scrape(local)).not.toMatch(/flowgate_flow_requests_total\{[^}]*action="ping"/);
    expect((await local.client.ping('inventory')).status).toBe(200);
    // A made-up probe mark does not hide a request either.
    const forged = await local.client.ping('inventory', { headers: { 'x-flowgate-probe': `sha256=${'0'.repeat(64)}` } });
    expect(forged.status).toBe(200);
    expect(valueOf(await scrape(local), 'flowgate_flow_requests_total{flow="inventory",screen="",action="ping",outcome="ok"}')).toBe(2);
  });

  it('with FLOW_PROBE_URL (or PUBLIC_URL) the ping goes the way Meta comes: through the load balancer to any replica', async () => {
    const text = await eventually(
      () => scrape(viaProxy),
      (t) => FLOWS.every((flow) => valueOf(t, probes(flow, 'public', 'ok')) >= 2),
      20_000,
    );
    for (const flow of FLOWS) expect(valueOf(text, probes(flow, 'public', 'ok'))).toBeGreaterThanOrEqual(2);
    expect(proxy.forwardedBy()[new URL(local.url).origin]).toBeGreaterThanOrEqual(6);
    // The replica that answered recognised them as probes (same app secret): not counted as traffic either.
    expect(await scrape(local)).not.toMatch(/flowgate_flow_requests_total\{[^}]*action="ping",outcome="ok"\} [3-9]/);
  });

  it('an endpoint that answers 500, nothing, or a reply that does not decrypt is counted as a failed ping', async () => {
    const text = await eventually(
      () => scrape(broken),
      (t) =>
        valueOf(t, probes('inventory', 'public', 'http_error')) >= 1 &&
        valueOf(t, probes('appointments', 'public', 'timeout')) >= 1 &&
        valueOf(t, probes('returns', 'public', 'bad_answer')) >= 1,
      20_000,
    );
    expect(valueOf(text, probes('inventory', 'public', 'http_error'))).toBeGreaterThanOrEqual(1);
    expect(valueOf(text, probes('appointments', 'public', 'timeout'))).toBeGreaterThanOrEqual(1);
    expect(valueOf(text, probes('returns', 'public', 'bad_answer'))).toBeGreaterThanOrEqual(1);
    expect(text).not.toMatch(/flowgate_probe_requests_total\{[^}]*result="ok"\} [1-9]/);
  });
});

describe("the synthetic ping with TENANTS_DIR: each tenant's endpoints, with its key and app secret", () => {
  const folders = new TenantFolders();
  const tenants = [
    folders.add('acme', { wabaId: '102290129340398', phoneNumberIds: ['1065403522'] }),
    folders.add('globex', { wabaId: '203390129340399', phoneNumberIds: ['2075403524'], passphrase: 'globex passphrase 5' }),
    // A tenant named like a flow: /flows/<that flow> is still the single-tenant endpoint, its marks checked with the single-tenant secret.
    folders.add(registeredFlowNames[0], { wabaId: '304490129340390', phoneNumberIds: ['3085403525'] }),
  ];
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: { FLOW_PROBE_INTERVAL_S: '1', TENANTS_DIR: folders.root } });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    folders.remove();
  });

  it('pings /flows/<tenant>/<flow> for every tenant and flow, counted by tenant and in the probe series, never as traffic', async () => {
    const okOf = (text: string, tenant: string, flow: string) =>
      sumOf(text, 'flowgate_tenant_probe_requests_total', { tenant, flow, target: 'local', result: 'ok' });
    const text = await eventually(
      () => scrape(app),
      (t) => tenants.every(({ name }) => registeredFlowNames.every((flow) => okOf(t, name, flow) >= 2)),
      20_000,
    );
    for (const { name } of tenants) for (const flow of registeredFlowNames) expect(okOf(text, name, flow)).toBeGreaterThanOrEqual(2);
    expect(text).not.toMatch(/flowgate_tenant_probe_requests_total\{[^}]*result="(?!ok)/);
    // The probe series counts every ping, the tenants' included: at least three per flow per round here.
    for (const flow of registeredFlowNames) {
      expect(valueOf(text, probes(flow, 'local', 'ok'))).toBeGreaterThanOrEqual(tenants.reduce((sum, { name }) => sum + okOf(text, name, flow), 0));
    }
    expect(text).not.toMatch(/flowgate_(tenant_)?flow_requests_total\{[^}]*action="ping"/);
  });

  it("a probe mark on a tenant's endpoint must be signed with that tenant's secret: another one does not hide the request", async () => {
    const [acme] = tenants;
    const client = tenantClient(app.url, acme.name, { publicPem: acme.keys.publicPem, appSecret: acme.appSecret }, flowJsonIn(app.app));
    const mark = (secret: string) => ({ headers: { 'x-flowgate-probe': signBody(Buffer.from('flowgate-probe'), secret) } });
    // Signed with the single-tenant app secret: a request like any other, counted.
    expect((await client.send.ping(client.flow('inventory'), mark(app.appSecret))).status).toBe(200);
    const pings = (text: string) => sumOf(text, 'flowgate_tenant_flow_requests_total', { tenant: 'acme', flow: 'inventory', action: 'ping' });
    expect(pings(await scrape(app))).toBe(1);
    // Signed with acme's: a probe's, not counted.
    expect((await client.send.ping(client.flow('inventory'), mark(acme.appSecret))).status).toBe(200);
    expect(pings(await scrape(app))).toBe(1);
  });
});
