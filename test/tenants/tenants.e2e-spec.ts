import { randomUUID } from 'node:crypto';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { pino } from 'pino';
import { DataSource } from 'typeorm';
import { AppLogger } from '../../src/logging/app-logger.js';
import { bootSummary } from '../../src/server/boot-summary.js';
import { signBody } from '../../src/flows-core/testing.js';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import { eventually } from '../support/eventually.js';
import { FakeGraphApi } from '../support/fake-graph-api.js';
import { KubeletSecretVolume } from '../support/kubelet-secret-volume.js';
import { startOwnedDatabase } from '../support/owned-database.js';
import { createTestDatabase, usingRealPostgres } from '../support/test-database.js';
import { flowJsonIn, startTestApp, type TestApp } from '../support/test-app.js';
import { TenantAwareFlowModule } from './tenant-flow.js';
import { tenantClient, TenantFolders, type TestTenant } from './tenant-folders.js';

const ADMIN_TOKEN = 'tenants-admin-token-0123456789';
const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };
const auth = { ...bearer, 'content-type': 'application/json' };

/**
 * Two tenants (two WABAs, their numbers, two apps, two key rings) served at once by one process,
 * beside the single-tenant configuration: real HTTP, real crypto, real Postgres (or the embedded
 * database), requests built as WhatsApp builds them.
 */
describe('tenants: the data endpoint per tenant', () => {
  const folders = new TenantFolders();
  let a: TestTenant;
  let b: TestTenant;
  let graph: FakeGraphApi;
  let test: TestApp;
  let db: DataSource;
  let clientA: ReturnType<typeof tenantClient>;
  let clientB: ReturnType<typeof tenantClient>;

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${test.url}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
  };
  const metric = async (prefix: string) => {
    const text = await (await fetch(`${test.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(prefix));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  beforeAll(async () => {
    a = folders.add('acme', { wabaId: '102290129340398', phoneNumberIds: ['106540352242922', '106540352242923'] });
    b = folders.add('globex', { wabaId: '203391230451409', phoneNumberIds: ['207651463353033'], passphrase: 'globex passphrase' });
    graph = await new FakeGraphApi().start();
    test = await startTestApp({
      modules: [TenantAwareFlowModule],
      env: { TENANTS_DIR: folders.root, DEMO_DATA: 'true', ADMIN_TOKEN, GRAPH_API_BASE_URL: `${graph.url}/v23.0`, OUTBOUND_MAX_TOTAL_MS: '2000' },
    });
    db = test.app.get(DataSource);
    clientA = tenantClient(test.url, 'acme', { publicPem: a.keys.publicPem, appSecret: a.appSecret }, flowJsonIn(test.app));
    clientB = tenantClient(test.url, 'globex', { publicPem: b.keys.publicPem, appSecret: b.appSecret }, flowJsonIn(test.app));
  });
  afterAll(async () => {
    await test?.close();
    await graph?.stop();
    folders.remove();
  });

  it("each tenant's endpoint answers its own requests, and the single-tenant endpoint is unchanged beside them", async () => {
    expect((await clientA.send.ping(clientA.flow('inventory'))).json).toEqual({ data: { status: 'active' } });
    expect((await clientB.send.ping(clientB.flow('inventory'))).json).toEqual({ data: { status: 'active' } });
    expect((await test.client.ping('inventory')).json).toEqual({ data: { status: 'active' } });
    expect(bootSummary(test.app)).toContain(' · tenants: acme, globex (POST /flows/<tenant>/<flow>) · ');
    const ready = (await (await fetch(`${test.url}/health/ready`)).json()) as any;
    expect(ready.details.tenants).toEqual({
      status: 'up',
      acme: expect.stringMatching(/^keys current=sha256:[0-9a-f]{16}; app secrets current=sha256:[0-9a-f]{12}$/),
      globex: expect.stringMatching(/^keys current=sha256:/),
    });
    expect(JSON.stringify(ready)).not.toContain(a.appSecret);
    const reply = await clientB.send.dataExchange(clientB.flow('inventory'), `b-${randomUUID()}`, 'INVENTORY', { product_id: 'PROD-99' });
    expect(reply.status).toBe(200);
    expect(reply.json.screen).toBe('AVAILABILITY');
  });

  it('a handler learns the tenant it serves (@FlowTenant()), undefined on the single-tenant endpoint', async () => {
    const token = () => `members-${randomUUID()}`;
    expect((await clientA.send.dataExchange(clientA.flow('members'), token(), 'WELCOME', {})).json.data.plan).toBe('acme');
    expect((await clientB.send.dataExchange(clientB.flow('members'), token(), 'WELCOME', {})).json.data.plan).toBe('globex');
    expect((await test.client.dataExchange('members', token(), 'WELCOME', {})).json.data.plan).toBe('single-tenant');
  });

  it("A's app secret never opens B's endpoint (432), and B's endpoint parses nothing before B's signature", async () => {
    const signedByA = await clientB.send.ping(clientB.flow('inventory'), { signWith: a.appSecret });
    expect(signedByA.status).toBe(432);
    expect(signedByA.text).toBe('');
    // The single-tenant secret does not open a tenant's endpoint either, nor A's secret the single-tenant one.
    expect((await clientA.send.ping(clientA.flow('inventory'), { signWith: test.appSecret })).status).toBe(432);
    expect((await test.client.ping('inventory', { signWith: a.appSecret })).status).toBe(432);
    // Bytes that are not even JSON, signed with A's secret: B refuses the signature, it never reads them (not a 400).
    const garbage = Buffer.from('{"not json');
    const response = await fetch(`${test.url}/flows/globex/inventory`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(garbage, a.appSecret) },
      body: garbage,
    });
    expect(response.status).toBe(432);
    // The same bytes signed with B's secret get as far as the parser.
    const parsed = await fetch(`${test.url}/flows/globex/inventory`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(garbage, b.appSecret) },
      body: garbage,
    });
    expect(parsed.status).toBe(400);
  });

  it("A's key never decrypts on B's endpoint (421), even with B's signature", async () => {
    const forA = await clientB.send.ping(clientB.flow('inventory'), { encryptFor: a.keys.publicPem });
    expect(forA.status).toBe(421);
    expect(forA.text).toBe('');
    // The single-tenant key does not open a tenant's endpoint, nor a tenant's key the single-tenant one.
    expect((await clientA.send.ping(clientA.flow('inventory'), { encryptFor: test.keys.publicPem })).status).toBe(421);
    expect((await test.client.ping('inventory', { encryptFor: a.keys.publicPem })).status).toBe(421);
  });

  it('an unknown tenant or flow is 404 before any crypto; an unsigned body is 432 unread; an oversized one 413', async () => {
    expect((await clientA.send.ping('initech/inventory')).status).toBe(404);
    expect((await clientA.send.ping(clientA.flow('nope'))).status).toBe(404);
    const long = await fetch(`${test.url}/flows/${'x'.repeat(90)}/inventory`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(long.status).toBe(404);
    expect(((await long.json()) as any).message).toBe(`No tenant named "${'x'.repeat(64)}"`);
    // Labels stay bounded: an unknown tenant makes no tenant series.
    expect(await (await fetch(`${test.url}/metrics`)).text()).not.toContain('tenant="initech"');
    const unsigned = await fetch(`${test.url}/flows/acme/inventory`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"not json',
    });
    expect(unsigned.status).toBe(432);
    const big = Buffer.alloc(300 * 1024, 'a');
    const oversized = await fetch(`${test.url}/flows/acme/inventory`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(big, a.appSecret) },
      body: big,
    });
    expect(oversized.status).toBe(413);
  });

  it("a token issued for A is 427 on B's endpoint and on the single-tenant one, and works on A's", async () => {
    const issued = await post('/admin/flows/appointments/sessions?tenant=acme', { phone: '+351910000000' });
    expect(issued.status).toBe(201);
    expect(issued.body.tenant).toBe('acme');
    const token = issued.body.flow_token as string;
    expect((await db.query('SELECT tenant FROM flow_sessions WHERE token = $1', [token]))[0].tenant).toBe('acme');

    const onB = await clientB.send.init(clientB.flow('appointments'), token);
    expect(onB.status).toBe(427);
    expect(onB.json).toEqual({ error_msg: 'This link is not valid. Please ask us for a new one.' });
    expect((await test.client.init('appointments', token)).status).toBe(427);
    expect((await clientA.send.init(clientA.flow('appointments'), token)).status).toBe(200);

    // A single-tenant token is no tenant's.
    const single = (await post('/admin/flows/appointments/sessions', { phone: '+351910000000' })).body.flow_token as string;
    expect((await clientA.send.init(clientA.flow('appointments'), single)).status).toBe(427);
    expect((await test.client.init('appointments', single)).status).toBe(200);
  });

  it("a token opened on first sight on A's endpoint is A's: 427 on B's (both handler paths)", async () => {
    const token = `first-sight-${randomUUID()}`;
    expect((await clientA.send.dataExchange(clientA.flow('inventory'), token, 'INVENTORY', { product_id: 'PROD-99' })).status).toBe(200);
    expect((await db.query('SELECT tenant FROM flow_sessions WHERE token = $1', [token]))[0].tenant).toBe('acme');
    expect((await clientB.send.dataExchange(clientB.flow('inventory'), token, 'INVENTORY', { product_id: 'PROD-99' })).status).toBe(427);
    expect((await test.client.dataExchange('inventory', token, 'INVENTORY', { product_id: 'PROD-99' })).status).toBe(427);
    // returns keeps state (a transaction holding the session row): the same rule there.
    const held = `first-sight-${randomUUID()}`;
    expect((await clientA.send.init(clientA.flow('returns'), held)).status).toBe(200);
    expect((await clientB.send.init(clientB.flow('returns'), held)).status).toBe(427);
  });

  it("Data API 4.0 token signatures are checked with the tenant's app secret", async () => {
    const token = `sig-${randomUUID()}`;
    // The kit signs flow_token_signature with the client's app secret: B's client signs with B's.
    expect((await clientB.send.init(clientB.flow('inventory'), token)).status).toBe(200);
    const otherApp = tenantClient(test.url, 'globex', { publicPem: b.keys.publicPem, appSecret: a.appSecret }, flowJsonIn(test.app));
    // Signed (X-Hub-Signature-256) with B's secret, token signature made with A's: 427 without a body.
    const reply = await otherApp.send.init(otherApp.flow('inventory'), `sig-${randomUUID()}`, { signWith: b.appSecret });
    expect(reply.status).toBe(427);
    expect(reply.text).toBe('');
  });

  it('metrics count requests by tenant name, and the request log line names the tenant (never a number)', async () => {
    const series = 'flowgate_tenant_flow_requests_total{tenant="globex",flow="inventory",action="ping",outcome="ok"}';
    const before = await metric(series);
    const logger = test.app.get(AppLogger).requests;
    const enabled = jest.spyOn(logger, 'isLevelEnabled').mockReturnValue(true);
    // The completion lines as written to the request logger's stream (they are serialised before pino would).
    const stream = (logger as unknown as Record<symbol, { write(line: string): void }>)[pino.symbols.streamSym];
    const written = jest.spyOn(stream, 'write').mockImplementation(() => undefined);
    const lines = () => written.mock.calls.map(([line]) => JSON.parse(line) as Record<string, any>);
    try {
      expect((await clientB.send.ping(clientB.flow('inventory'))).status).toBe(200);
      expect(await metric(series)).toBe(before + 1);
      const line = lines().find((l) => l.req?.path === '/flows/globex/inventory');
      expect(line).toMatchObject({ msg: 'request completed', tenant: 'globex', flow: 'inventory', action: 'ping', outcome: 'ok' });
      expect(JSON.stringify(line)).not.toContain(b.wabaId);
      // Single-tenant requests stay out of the tenant series and carry no tenant.
      expect((await test.client.ping('inventory')).status).toBe(200);
      const single = lines().find((l) => l.req?.path === '/flows/inventory');
      expect(single).toBeDefined();
      expect(single!.tenant).toBeUndefined();
    } finally {
      written.mockRestore();
      enabled.mockRestore();
    }
    const text = await (await fetch(`${test.url}/metrics`)).text();
    for (const id of [a.wabaId, b.wabaId, ...a.phoneNumberIds, ...b.phoneNumberIds]) expect(text).not.toContain(id);
  });

  it("sends go out from the tenant's number with the tenant's Graph token", async () => {
    graph.reset();
    const body = { to: '+351910000000', flow_id: '1234567890', cta: 'Book now', body: 'Book your next visit' };
    const sent = await post('/admin/flows/appointments/send?tenant=acme&from=106540352242923', body);
    expect(sent.status).toBe(200);
    const sentB = await post('/admin/flows/appointments/send?tenant=globex', body);
    expect(sentB.status).toBe(200);
    const text = await post('/admin/messages/text?tenant=globex', { to: '+351910000000', text: 'Hello' });
    expect(text.status).toBe(200);
    expect(graph.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/v23.0/106540352242923/messages', `Bearer ${a.graphToken}`],
      ['/v23.0/207651463353033/messages', `Bearer ${b.graphToken}`],
      ['/v23.0/207651463353033/messages', `Bearer ${b.graphToken}`],
    ]);
    const token = sent.body.flow_token as string;
    expect((await db.query('SELECT tenant FROM flow_sessions WHERE token = $1', [token]))[0].tenant).toBe('acme');
    // Another tenant's number, an unknown tenant, a number without a tenant: refused before anything is sent.
    expect((await post('/admin/flows/appointments/send?tenant=acme&from=207651463353033', body)).status).toBe(400);
    expect((await post('/admin/flows/appointments/send?tenant=initech', body)).status).toBe(404);
    expect((await post('/admin/flows/appointments/send?from=106540352242922', body)).status).toBe(400);
    expect(graph.requests).toHaveLength(3);
  });
});

describe('tenants: rotation', () => {
  it("rotation per tenant: a new key dropped into a tenant's folder is used after a reload, the old one kept as previous", async () => {
    const folders = new TenantFolders();
    const a = folders.add('acme', { wabaId: '102290129340398', phoneNumberIds: ['106540352242922'] });
    const b = folders.add('globex', { wabaId: '203391230451409', phoneNumberIds: ['207651463353033'] });
    const test = await startTestApp({ env: { TENANTS_DIR: folders.root, ADMIN_TOKEN } });
    try {
      const flowJson = flowJsonIn(test.app);
      const next = generateAppSecret();
      const newKeys = generateTestKeyPair();
      folders.write('acme', 'previous.pem', a.keys.privatePem);
      folders.write('acme', 'private.pem', newKeys.privatePem);
      folders.write('acme', 'app-secret.previous', a.appSecret);
      folders.write('acme', 'app-secret', next);
      const reload = await fetch(`${test.url}/admin/keys/reload?tenant=acme`, { method: 'POST', headers: bearer });
      expect(reload.status).toBe(200);
      expect(((await reload.json()) as any).fingerprints).toHaveLength(2);
      const fresh = tenantClient(test.url, 'acme', { publicPem: newKeys.publicPem, appSecret: next }, flowJson);
      const old = tenantClient(test.url, 'acme', { publicPem: a.keys.publicPem, appSecret: a.appSecret }, flowJson);
      expect((await fresh.send.ping(fresh.flow('inventory'))).status).toBe(200);
      expect((await old.send.ping(old.flow('inventory'))).status).toBe(200); // the previous key and secret, during the rotation
      // B is untouched: its own key still works, A's new key does not open it.
      const clientB = tenantClient(test.url, 'globex', { publicPem: b.keys.publicPem, appSecret: b.appSecret }, flowJson);
      expect((await clientB.send.ping(clientB.flow('inventory'))).status).toBe(200);
      expect((await clientB.send.ping(clientB.flow('inventory'), { encryptFor: newKeys.publicPem })).status).toBe(421);
      // A broken file keeps the working credentials, and says why.
      folders.write('acme', 'private.pem', 'broken');
      const refused = await fetch(`${test.url}/admin/keys/reload?tenant=acme`, { method: 'POST', headers: bearer });
      expect(refused.status).toBe(422);
      expect((await fresh.send.ping(fresh.flow('inventory'))).status).toBe(200);
      expect((await fetch(`${test.url}/admin/keys/reload?tenant=initech`, { method: 'POST', headers: bearer })).status).toBe(404);
    } finally {
      await test.close();
      folders.remove();
    }
  });

  it("a tenant's Secret swapped by the kubelet is reloaded by itself (polled), without a signal or a call", async () => {
    const folders = new TenantFolders();
    const keys = generateTestKeyPair();
    const secret = generateAppSecret();
    const definition = JSON.stringify({ waba_id: '102290129340398', phone_number_ids: ['106540352242922'] });
    // One mounted Secret per tenant: its files are links through ..data, swapped all at once.
    const volume = new KubeletSecretVolume({ 'tenant.json': definition, 'app-secret': secret, 'private.pem': keys.privatePem });
    symlinkSync(volume.dir, join(folders.root, 'acme'));
    const test = await startTestApp({ env: { TENANTS_DIR: folders.root, FLOW_SECRETS_POLL_INTERVAL_S: '1' } });
    try {
      const old = tenantClient(test.url, 'acme', { publicPem: keys.publicPem, appSecret: secret }, flowJsonIn(test.app));
      expect((await old.send.ping(old.flow('inventory'))).status).toBe(200);
      const newKeys = generateTestKeyPair();
      const next = generateAppSecret();
      volume.update({ 'tenant.json': definition, 'app-secret': next, 'private.pem': newKeys.privatePem, 'previous.pem': keys.privatePem });
      const fresh = tenantClient(test.url, 'acme', { publicPem: newKeys.publicPem, appSecret: next }, flowJsonIn(test.app));
      const status = await eventually(
        async () => (await fresh.send.ping(fresh.flow('inventory'))).status,
        (answer) => answer === 200,
        15_000,
        200,
      );
      expect(status).toBe(200);
      // The old secret is gone (no app-secret.previous in the new Secret): 432; the old key is the previous one.
      expect((await fresh.send.ping(fresh.flow('inventory'), { signWith: secret })).status).toBe(432);
      expect((await fresh.send.ping(fresh.flow('inventory'), { encryptFor: keys.publicPem })).status).toBe(200);
    } finally {
      await test.close();
      folders.remove();
      volume.remove();
    }
  });
});

describe('tenants: two replicas on one database', () => {
  it("a token of A issued on one replica is A's on the other: 427 on B's endpoint there, 200 on A's", async () => {
    const folders = new TenantFolders();
    const a = folders.add('acme', { wabaId: '102290129340398', phoneNumberIds: ['106540352242922'] });
    const b = folders.add('globex', { wabaId: '203391230451409', phoneNumberIds: ['207651463353033'] });
    // Replicas share a server: the test Postgres, or without one a database server of the test's own.
    const owned = usingRealPostgres() ? undefined : await startOwnedDatabase();
    const database = owned ? { env: { DATABASE_URL: owned.url }, drop: () => owned.destroy() } : await createTestDatabase();
    const env = { TENANTS_DIR: folders.root, ADMIN_TOKEN };
    const first = await startTestApp({ env, database });
    const second = await startTestApp({ env, database }).catch(async (error) => {
      await first.close();
      throw error;
    });
    try {
      const issued = await fetch(`${first.url}/admin/flows/appointments/sessions?tenant=acme`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ phone: '+351910000000' }),
      });
      const token = ((await issued.json()) as any).flow_token as string;
      const flowJson = flowJsonIn(second.app);
      const onA = tenantClient(second.url, 'acme', { publicPem: a.keys.publicPem, appSecret: a.appSecret }, flowJson);
      const onB = tenantClient(second.url, 'globex', { publicPem: b.keys.publicPem, appSecret: b.appSecret }, flowJson);
      expect((await onB.send.init(onB.flow('appointments'), token)).status).toBe(427);
      expect((await onA.send.init(onA.flow('appointments'), token)).status).toBe(200);
    } finally {
      await second.close();
      await first.close();
      await database.drop();
      folders.remove();
    }
  });
});
