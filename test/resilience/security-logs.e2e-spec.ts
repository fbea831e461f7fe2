import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signBody } from '../../src/hub-signature/index.js';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import { FakeGraphApi } from '../support/fake-graph-api.js';
import { freePort } from '../support/owned-database.js';
import { startServer, type RunningServer } from '../support/server-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { nfmReply } from '../webhooks/fixtures.js';

const ADMIN_TOKEN = 'admin-token-logs-0123456789';
const METRICS_TOKEN = 'metrics-token-logs-0123456789';
const WASENDER_SECRET = 'wasender-secret-logs-0123456789';
const PHONE = '+351917654321';
/** What the user typed: must reach the flow, never the log. */
const FORM_VALUES = ['Qwerty-Zuxplo', 'Maria Zyxwvuts', 'maria.zyxwvuts@example.com'];
const ACCESS_TOKEN = 'EAAG-logs-test-token';
/** An address quoted by a provider and by a client error notification. */
const EMAIL = 'ops.zyxwvuts@example.org';

/**
 * The built server, as production runs it, at the default log level (info): its real stdout and
 * stderr are captured while it serves a whole flow and its completion webhook.
 */
describe('logs of a full flow and its webhook at the default level', () => {
  const keys = generateTestKeyPair();
  const appSecret = generateAppSecret();
  let database: TestDatabase;
  let server: RunningServer;
  let client: FlowTestClient;
  let flowToken: string;
  let log: string;
  let graph: FakeGraphApi;

  const admin = (path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    database = await createTestDatabase();
    graph = await new FakeGraphApi().start();
    // Meta's error text names the recipient, as it does for an undeliverable message; a proxy on the
    // way quotes the request's Authorization header and an e-mail address back.
    graph.defaultAnswer = (request) => ({
      status: 400,
      body: {
        error: {
          code: 131999,
          message: `Message undeliverable to ${PHONE} (contact ${EMAIL}; Authorization: ${String(request.headers.authorization)})`,
        },
      },
    });
    server = await startServer(
      {
        ...database.env,
        DEMO_DATA: 'true',
        LOG_LEVEL: 'info',
        WHATSAPP_APP_SECRET: appSecret,
        FLOW_PRIVATE_KEY: keys.privatePem,
        ADMIN_TOKEN,
        METRICS_TOKEN,
        WASENDER_WEBHOOK_SECRET: WASENDER_SECRET,
        WEBHOOK_BACKOFF_MS: '50',
        GRAPH_API_BASE_URL: `${graph.url}/v23.0`,
        WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
        WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
      },
      await freePort(),
    );
    client = new FlowTestClient({ baseUrl: server.url, publicKey: keys.publicPem, appSecret });

    const issued = await admin('/admin/flows/inventory/sessions', { phone: PHONE });
    expect(issued.status).toBe(201);
    flowToken = ((await issued.json()) as { flow_token: string }).flow_token;

    // The whole flow, with a few refusals on the way.
    expect((await client.init('inventory', flowToken)).status).toBe(200);
    expect((await client.dataExchange('inventory', flowToken, 'INVENTORY', { product_id: FORM_VALUES[0] })).status).toBe(200);
    expect((await client.dataExchange('inventory', flowToken, 'NO_SUCH_SCREEN', { name: FORM_VALUES[1] })).status).toBe(200);
    expect((await client.dataExchange('inventory', flowToken, 'AVAILABILITY', { product_id: 'PROD-99', quantity: 'many' })).status).toBe(200);
    expect((await client.dataExchange('inventory', flowToken, 'INVENTORY', { product_id: 'PROD-99' })).json.screen).toBe('AVAILABILITY');
    const done = await client.dataExchange('inventory', flowToken, 'AVAILABILITY', { product_id: 'PROD-99', quantity: 1 });
    expect(done.json.screen).toBe('SUCCESS');
    expect((await client.dataExchange('inventory', flowToken, 'INVENTORY', { product_id: 'PROD-99' })).status).toBe(427);
    // Values whose size the client chooses, which the log must not copy whole.
    expect((await client.dataExchange('inventory', 'preview-token', 'S'.repeat(20_000), {})).json.data.error_message).toBeDefined();
    expect((await client.send('inventory', { version: '3.0', action: 'A'.repeat(20_000), flow_token: 'x' })).status).toBe(400);
    expect(
      (await client.errorNotification('inventory', 'preview-token', 'E'.repeat(20_000), 'payload-schema-error', 'M'.repeat(20_000))).status,
    ).toBe(200);
    // A client error notification quoting the number (with and without its grouping) and a send Meta refuses naming it.
    const quoted = `Invalid phone ${PHONE} (also ${PHONE.slice(0, 4)} ${PHONE.slice(4, 7)} ${PHONE.slice(7, 10)} ${PHONE.slice(10)})`;
    expect((await client.errorNotification('inventory', 'preview-token', 'INVENTORY', 'payload-schema-error', quoted)).status).toBe(200);
    expect((await client.errorNotification('inventory', 'preview-token', 'INVENTORY', 'payload-schema-error', `Write to ${EMAIL}`)).status).toBe(200);
    const sent = await admin('/admin/flows/inventory/send', { to: PHONE, flow_id: '1234567890', cta: 'Open', body: 'Open the flow' });
    expect(sent.status).toBe(422);
    expect(graph.requests).toHaveLength(1);
    expect((await client.ping('inventory', { signWith: generateAppSecret() })).status).toBe(432);
    expect((await client.ping('inventory', { tamper: (e) => ({ ...e, initial_vector: 'AAAA' }) })).status).toBe(421);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
    expect((await fetch(`${server.url}/admin/webhooks`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}x` } })).status).toBe(401);

    // The completion arrives as Meta posts it, with the form values and the user's number.
    const payload = nfmReply(flowToken, { full_name: FORM_VALUES[1], email: FORM_VALUES[2] });
    payload.entry[0].changes[0].value.messages[0].from = PHONE.slice(1);
    (payload.entry[0].changes[0].value.contacts as Array<{ wa_id: string }>)[0].wa_id = PHONE.slice(1);
    const body = Buffer.from(JSON.stringify(payload));
    const posted = await fetch(`${server.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, appSecret) },
      body,
    });
    expect(posted.status).toBe(200);
    const deadline = Date.now() + 15_000;
    let processed = 0;
    while (processed === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      processed = ((await (await admin('/admin/webhooks?status=processed')).json()) as { events: unknown[] }).events.length;
    }
    expect(processed).toBe(1);
    await server.stop();
    log = server.output();
  });
  afterAll(async () => {
    await server?.stop();
    await graph?.stop();
    await database?.drop();
  });

  it('the capture is real: request lines of the flow, the webhook and the admin API are there', () => {
    expect(log).toMatch(/"path":"\/flows\/inventory"/);
    expect(log).toMatch(/"path":"\/webhooks\/whatsapp"/);
    expect(log).toMatch(/"path":"\/admin\/flows\/inventory\/sessions"/);
    expect(log).toContain('"flowKey":"sha256:');
  });

  it('every line is JSON, and a screen without a handler is logged as a warning naming the flow and the screen', () => {
    const lines = log.split('\n').filter((line) => line.trim());
    const entries = lines.map((line) => JSON.parse(line) as { level: number; msg?: string });
    expect(
      entries.filter((entry) => entry.level === 40 && entry.msg === 'Flow "inventory" has no handler for data_exchange on screen "NO_SUCH_SCREEN"'),
    ).toHaveLength(1);
  });

  it('no line copies a client-chosen value whole: none is longer than 2 kB', () => {
    const long = log
      .split('\n')
      .filter((line) => line.length > 2048)
      .map((line) => line.slice(0, 200));
    expect(long).toEqual([]);
    expect(log).toContain('SSSS…');
    expect(log).toContain('EEEE…');
    expect(log).toContain('MMMM…');
  });

  it('no phone number, in any of its forms', () => {
    const grouped = `${PHONE.slice(4, 7)} ${PHONE.slice(7, 10)} ${PHONE.slice(10)}`;
    for (const form of [PHONE, PHONE.slice(1), PHONE.slice(4), grouped]) expect([form, log.includes(form)]).toEqual([form, false]);
  });

  it('text from outside that named the number is logged with it masked', () => {
    expect(log).toContain('payload-schema-error Invalid phone [phone] (also [phone])');
    expect(log).toContain('Message undeliverable to [phone]');
  });

  it('no e-mail address: text from outside that named one is logged with it masked', () => {
    expect(log.includes(EMAIL)).toBe(false);
    expect(log).toContain('payload-schema-error Write to [email]');
    expect(log).toContain('(contact [email]; Authorization: [token])');
  });

  it('no access token, even one a provider quoted back', () => {
    expect(graph.requests[0].headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(log.includes(ACCESS_TOKEN)).toBe(false);
  });

  it('no flow token', () => {
    expect(log.includes(flowToken)).toBe(false);
  });

  it('no form value the user typed', () => {
    for (const value of FORM_VALUES) expect([value, log.includes(value)]).toEqual([value, false]);
  });

  it('no part of the private key', () => {
    const body = keys.privatePem.split('\n').filter((line) => line && !line.startsWith('-----'));
    expect(body.length).toBeGreaterThan(10);
    for (const line of body) expect([line, log.includes(line)]).toEqual([line, false]);
    expect(log).not.toContain('PRIVATE KEY');
  });

  it('no app secret, admin token, metrics token or webhook secret', () => {
    for (const secret of [appSecret, ADMIN_TOKEN, METRICS_TOKEN, WASENDER_SECRET]) {
      expect([secret, log.includes(secret)]).toEqual([secret, false]);
    }
  });
});
