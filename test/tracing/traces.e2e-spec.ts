import { spawn, type ChildProcess } from 'node:child_process';
import { createPublicKey, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { keyFingerprint, signBody } from '../../src/flows-core/testing.js';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import { MARIA, nfmReply } from '../kit/whatsapp-notifications.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/free-port.js';
import { BUILT_SERVER, PROJECT_ROOT } from '../support/server-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { TenantFolders, tenantClient } from '../tenants/tenant-folders.js';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.js';

const REGISTER = './dist/src/tracing/register.js';
// OTLP's SpanKind enum (0 is unspecified, 1 internal).
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

interface TracedServer {
  url: string;
  child: ChildProcess;
  output: () => string;
}

/** The built server with the tracing entry point loaded first, as `npm start` loads it: `node --import register.js main.js`. */
async function startTracedServer(env: Record<string, string | undefined>): Promise<TracedServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', REGISTER, BUILT_SERVER], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const ready = await eventually(
    () => fetch(`${url}/health/ready`).then((response) => response.status === 200 || child.exitCode !== null),
    (done) => done === true,
    60_000,
    200,
  );
  if (!ready || child.exitCode !== null) throw new Error(`server not ready:\n${output}`);
  return { url, child, output: () => output };
}

async function stop(server: TracedServer | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan) => spans.filter((span) => span.parentSpanId === parent.spanId);
/** Whether `span` sits somewhere under `ancestor`. */
function under(spans: ReceivedSpan[], span: ReceivedSpan, ancestor: ReceivedSpan): boolean {
  const byId = new Map(spans.map((each) => [each.spanId, each]));
  for (let at = byId.get(span.parentSpanId); at; at = byId.get(at.parentSpanId)) if (at.spanId === ancestor.spanId) return true;
  return false;
}
const one = (spans: ReceivedSpan[], name: string) => {
  const found = spans.filter((span) => span.name === name);
  expect([name, found.length]).toEqual([name, 1]);
  return found[0];
};

describe.each(['http/protobuf', 'http/json'])('traces exported over OTLP %s to a local receiver', (protocol) => {
  const keys = generateTestKeyPair();
  const appSecret = generateAppSecret();
  const receiver = new OtlpReceiver();
  let database: TestDatabase;
  let server: TracedServer;
  let client: FlowTestClient;
  const token = `trace-${randomBytes(12).toString('hex')}`;
  let webhookBody: Buffer;
  const tenants = new TenantFolders();
  const acme = tenants.add('acme', { wabaId: '102290129340398', phoneNumberIds: ['1065403522'] });

  beforeAll(async () => {
    await receiver.start();
    database = await createTestDatabase();
    server = await startTracedServer({
      ...database.env,
      REDIS_URL: process.env.REDIS_URL,
      QUEUE_BACKEND: 'postgres',
      CACHE_NAMESPACE: `trace-${randomBytes(4).toString('hex')}`,
      QUEUE_PREFIX: `trace${randomBytes(4).toString('hex')}`,
      DEMO_DATA: 'true',
      FLOW_PRIVATE_KEY: keys.privatePem,
      WHATSAPP_APP_SECRET: appSecret,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_SERVICE_NAME: 'flowgate-under-test',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      TENANTS_DIR: tenants.root,
    });
    client = new FlowTestClient({ baseUrl: server.url, publicKey: keys.publicPem, appSecret });
  }, 90_000);

  afterAll(async () => {
    await stop(server);
    tenants.remove();
    await receiver.stop();
    await database?.drop();
  });

  it('one data_exchange is one trace: the server span, and under it signature, decrypt, replay claim, session, handler, Postgres, Redis, encrypt', async () => {
    const reply = await client.dataExchange('inventory', token, 'INVENTORY', { product_id: 'PROD-99' });
    expect([reply.status, reply.json?.screen]).toEqual([200, 'AVAILABILITY']);

    const exchangeOf = (spans: ReceivedSpan[]) =>
      spans.find((span) => span.name === 'flow.exchange' && span.attributes['flowgate.flow.action'] === 'data_exchange');
    const spans = await eventually(
      async () => {
        const exchange = exchangeOf(receiver.spans);
        return exchange ? receiver.spans.filter((span) => span.traceId === exchange.traceId) : [];
      },
      (trace) => trace.some((span) => span.kind === SERVER && span.attributes['http.response.status_code'] !== undefined),
      20_000,
    );
    expect(receiver.contentTypes[0]).toBe(protocol === 'http/json' ? 'application/json' : 'application/x-protobuf');

    const root = one(spans, 'POST /flows/:flow');
    expect(root).toMatchObject({ kind: SERVER, parentSpanId: '' });
    expect(root.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/flows/:flow', 'http.response.status_code': 200 });
    expect(root.resource['service.name']).toBe('flowgate-under-test');

    const signature = one(spans, 'flow.signature');
    const decrypt = one(spans, 'flow.decrypt');
    const exchange = one(spans, 'flow.exchange');
    expect(childrenOf(spans, root).map((span) => span.name)).toEqual(expect.arrayContaining(['flow.signature', 'flow.decrypt', 'flow.exchange']));
    expect(signature.attributes).toMatchObject({ 'flowgate.signature.outcome': 'valid', 'flowgate.flow.name': 'inventory' });
    expect(decrypt.attributes).toEqual({
      'flowgate.key.fingerprint': keyFingerprint(createPublicKey(keys.publicPem)),
      'flowgate.decrypt.outcome': 'ok',
    });
    expect(exchange.attributes).toMatchObject({
      'flowgate.flow.name': 'inventory',
      'flowgate.flow.screen': 'INVENTORY',
      'flowgate.flow.action': 'data_exchange',
      'flowgate.flow.outcome': 'ok',
    });
    expect(exchange.attributes['flowgate.tenant']).toBeUndefined();
    const budget = exchange.attributes['flowgate.budget.ms'] as number;
    const left = exchange.attributes['flowgate.budget.remaining_ms'] as number;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(budget);

    const claim = one(spans, 'flow.replay_claim');
    expect(claim.parentSpanId).toBe(exchange.spanId);
    expect(claim.attributes['flowgate.replay.outcome']).toBe('claimed');

    const handler = one(spans, 'flow.handler');
    expect(under(spans, handler, exchange)).toBe(true);
    expect(handler.attributes).toMatchObject({
      'flowgate.flow.name': 'inventory',
      'flowgate.flow.screen': 'INVENTORY',
      'flowgate.flow.action': 'data_exchange',
      'flowgate.handler.outcome': 'navigate',
    });

    const sessions = spans.filter((span) => span.name === 'flow.session' && span.attributes['flowgate.session.outcome'] === 'recorded');
    expect(sessions).toHaveLength(1);
    expect(under(spans, sessions[0], exchange)).toBe(true);

    // Postgres: the session's statement under the session span, the product read under the handler.
    const postgres = spans.filter((span) => span.attributes['db.system.name'] === 'postgresql');
    expect(postgres.every((span) => span.kind === CLIENT && typeof span.attributes['db.query.text'] === 'string')).toBe(true);
    expect(postgres.some((span) => under(spans, span, sessions[0]))).toBe(true);
    expect(postgres.some((span) => under(spans, span, handler))).toBe(true);
    // Redis: the product's availability is read through the cache, under the handler (without
    // REDIS_URL the cache is this process's memory: the same span, no Redis in it).
    const cache = spans.filter((span) => span.attributes['flowgate.cache.store'] !== undefined);
    if (process.env.REDIS_URL) {
      expect(cache.map((span) => span.name)).toContain('redis MGET');
      expect(cache.every((span) => span.kind === CLIENT && span.attributes['db.system.name'] === 'redis')).toBe(true);
    } else {
      expect(cache.map((span) => [span.name, span.attributes['flowgate.cache.store']])).toContainEqual(['cache get', 'memory']);
    }
    expect(cache.every((span) => under(spans, span, handler) && span.attributes['flowgate.cache.key_prefix'] === 'inventory')).toBe(true);

    const encrypt = spans.filter((span) => span.name === 'flow.encrypt');
    expect(encrypt.length).toBeGreaterThanOrEqual(1);
    expect(encrypt.every((span) => under(spans, span, exchange))).toBe(true);
  });

  it("a tenant's exchange names the tenant on its span (its configured name, nothing of the person)", async () => {
    const acmeClient = tenantClient(server.url, 'acme', { publicPem: acme.keys.publicPem, appSecret: acme.appSecret }, () => undefined);
    const reply = await acmeClient.send.dataExchange(acmeClient.flow('inventory'), `trace-acme-${randomBytes(8).toString('hex')}`, 'INVENTORY', {
      product_id: 'PROD-99',
    });
    expect([reply.status, reply.json?.screen]).toEqual([200, 'AVAILABILITY']);
    const exchange = await eventually(
      async () => receiver.spans.find((span) => span.name === 'flow.exchange' && span.attributes['flowgate.tenant'] === 'acme'),
      Boolean,
      20_000,
    );
    expect(exchange?.attributes).toMatchObject({
      'flowgate.flow.name': 'inventory',
      'flowgate.flow.action': 'data_exchange',
      'flowgate.flow.outcome': 'ok',
    });
  });

  it('a handler that writes runs inside the session span: its transaction, its queries and the encryption of its answer under it', async () => {
    const reply = await client.dataExchange('inventory', token, 'AVAILABILITY', { product_id: 'PROD-99', quantity: 1 });
    expect(reply.status).toBe(200);
    expect(reply.json?.data?.extension_message_response?.params).toMatchObject({ product_id: 'PROD-99', quantity: 1 });

    const exchangeOf = (spans: ReceivedSpan[]) =>
      spans.find((span) => span.name === 'flow.exchange' && span.attributes['flowgate.flow.screen'] === 'AVAILABILITY');
    const spans = await eventually(
      async () => {
        const exchange = exchangeOf(receiver.spans);
        return exchange ? receiver.spans.filter((span) => span.traceId === exchange.traceId) : [];
      },
      (trace) => trace.some((span) => span.kind === SERVER && span.attributes['http.response.status_code'] !== undefined),
      20_000,
    );
    const exchange = exchangeOf(spans)!;
    expect(exchange.attributes).toMatchObject({ 'flowgate.flow.action': 'data_exchange', 'flowgate.flow.outcome': 'ok' });
    const session = one(spans, 'flow.session');
    expect(session.parentSpanId).toBe(exchange.spanId);
    expect(session.attributes).toEqual({
      'flowgate.session.mode': 'transaction',
      'flowgate.session.policy': 'any',
      'flowgate.session.outcome': 'recorded',
    });
    const handler = one(spans, 'flow.handler');
    expect(handler.parentSpanId).toBe(session.spanId);
    expect(handler.attributes).toMatchObject({ 'flowgate.flow.screen': 'AVAILABILITY', 'flowgate.handler.outcome': 'complete' });
    const postgres = spans.filter((span) => span.attributes['db.system.name'] === 'postgresql');
    // The session row's lock and the commit in the session span, the reservation's writes in the handler's.
    expect(postgres.filter((span) => span.parentSpanId === session.spanId).map((span) => span.attributes['db.operation.name'])).toEqual(
      expect.arrayContaining(['COMMIT']),
    );
    const reservation = postgres.filter((span) => (span.attributes['db.query.text'] as string).includes('INSERT INTO inventory_reservations'));
    expect(reservation.map((span) => span.parentSpanId)).toEqual([handler.spanId]);
    expect(one(spans, 'flow.encrypt').parentSpanId).toBe(session.spanId);
  });

  it('a stored nfm_reply webhook and the worker that processes it are one trace, linked through the job', async () => {
    webhookBody = Buffer.from(JSON.stringify(nfmReply(token, { product: 'PROD-99', quantity: 1 })));
    const response = await fetch(`${server.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(webhookBody, appSecret) },
      body: webhookBody,
    });
    expect(response.status).toBe(200);
    const processed = await eventually(
      async () => receiver.spans.find((span) => span.name === 'process webhook-events'),
      (span) => span !== undefined,
      20_000,
    );
    const spans = receiver.spans.filter((span) => span.traceId === processed!.traceId);
    const root = one(spans, 'POST /webhooks/whatsapp');
    expect(root.kind).toBe(SERVER);
    const create = one(spans, 'create webhook-events');
    expect(create).toMatchObject({ kind: PRODUCER, parentSpanId: root.spanId });
    expect(create.attributes).toMatchObject({
      'messaging.system': 'bullmq',
      'messaging.destination.name': 'webhook-events',
      'messaging.batch.message_count': 1,
    });
    expect(processed).toMatchObject({ kind: CONSUMER, parentSpanId: create.spanId, links: [{ traceId: create.traceId, spanId: create.spanId }] });
    expect(processed!.attributes).toMatchObject({ 'messaging.operation.type': 'process', 'flowgate.job.attempt': 1 });
    // The worker's own database work is in the same trace, under its span.
    await eventually(
      async () => receiver.spans.filter((span) => span.attributes['db.system.name'] === 'postgresql' && under(receiver.spans, span, processed!)),
      (found) => found.length > 0,
      10_000,
    ).then((found) => expect(found.length).toBeGreaterThan(0));
  });

  it('no span carries a flow token, phone number, user id, payload, key or secret', () => {
    expect(receiver.bodies.length).toBeGreaterThan(0);
    const sent = Buffer.concat(receiver.bodies).toString('latin1');
    // The search reads what was sent: the flow's name and the key's fingerprint are there, in either encoding.
    expect(sent).toContain('inventory');
    expect(sent).toContain(keyFingerprint(createPublicKey(keys.publicPem)));
    const never = {
      'flow token': token,
      'phone number': MARIA.phone!,
      'user id': MARIA.userId!,
      'payload value': 'PROD-99',
      'app secret': appSecret,
      'private key': keys.privatePem.split('\n')[1],
      'webhook signature': signBody(webhookBody, appSecret).slice(7, 40),
    };
    expect(Object.entries(never).filter(([, value]) => sent.includes(value))).toEqual([]);
    // Nor an attribute that quotes a statement's values or the request's path and query.
    for (const span of receiver.spans) {
      expect([span.name, Object.keys(span.attributes).filter((key) => /^url\.(path|query|full)$|^db\.query\.parameter/.test(key))]).toEqual([
        span.name,
        [],
      ]);
    }
  });
});

describe('a collector that never answers', () => {
  const keys = generateTestKeyPair();
  const appSecret = generateAppSecret();
  let database: TestDatabase;
  let server: TracedServer;
  let blackHole: Server;
  const held: Array<() => void> = [];

  beforeAll(async () => {
    // Takes every export and never answers it.
    blackHole = createServer((request) => {
      request.resume();
      held.push(() => request.socket.destroy());
    });
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    database = await createTestDatabase();
    server = await startTracedServer({
      ...database.env,
      FLOW_PRIVATE_KEY: keys.privatePem,
      WHATSAPP_APP_SECRET: appSecret,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(blackHole.address() as { port: number }).port}`,
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
  }, 90_000);

  afterAll(async () => {
    await stop(server);
    held.forEach((release) => release());
    await new Promise((resolve) => blackHole?.close(resolve));
    await database?.drop();
  });

  it('fails no request, and the server still stops cleanly on SIGTERM', async () => {
    const client = new FlowTestClient({ baseUrl: server.url, publicKey: keys.publicPem, appSecret });
    for (let i = 0; i < 5; i++) expect((await client.ping('inventory')).json).toEqual({ data: { status: 'active' } });
    await eventually(
      async () => held.length,
      (count) => count > 0,
      10_000,
    );
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
