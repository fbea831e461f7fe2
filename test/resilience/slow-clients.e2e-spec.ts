import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signBody } from '../../src/hub-signature/index.js';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import { eventually, sleep } from '../support/eventually.js';
import { startFlowgate, stopFlowgate, type FlowgateProcess } from './support/flowgate-process.js';
import { holdConnection, requestHead } from './support/raw-http.js';

// Short deadlines so the test runs in seconds; production defaults are in README (Configuration).
const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;
const IDLE_TIMEOUT_MS = 1_500;
const KEEP_ALIVE_TIMEOUT_MS = 1_000;
const BODIES_IN_FLIGHT = 16 * 1024 * 1024;
/** Node checks header and request deadlines once a second; plus scheduling on a loaded machine. */
const SLACK_MS = 4_000;

const WEBHOOK_BODY = 3_400_000;

describe('slow and stalled clients', () => {
  let server: FlowgateProcess;
  let client: FlowTestClient;
  const keys = generateTestKeyPair();
  const appSecret = generateAppSecret();

  /** A signed ping answered in full: the server still serves WhatsApp. */
  const pingServed = async () => {
    const reply = await client.ping('resilience');
    expect([reply.status, reply.json]).toEqual([200, { data: { status: 'active' } }]);
  };
  const metric = async (name: string) => {
    const text = await fetch(`${server.url}/metrics`).then((response) => response.text());
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
    if (!match) throw new Error(`metric ${name} not found`);
    return Number(match[1]);
  };
  /** Headers of a webhook POST with a signature of the right shape, so its body is read. */
  const webhookHead = (length: number) =>
    requestHead('POST', '/webhooks/whatsapp', ['Content-Type: application/json', `X-Hub-Signature-256: ${signBody('{}', appSecret)}`], length);

  beforeAll(async () => {
    server = await startFlowgate({
      EMBEDDED_DB_DIR: 'memory',
      FLOW_PRIVATE_KEY: keys.privatePem,
      WHATSAPP_APP_SECRET: appSecret,
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HTTP_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
      HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
      HTTP_BODIES_IN_FLIGHT_BYTES: String(BODIES_IN_FLIGHT),
    });
    client = new FlowTestClient({ baseUrl: server.url, publicKey: keys.publicPem, appSecret });
  }, 60_000);

  afterAll(async () => stopFlowgate(server));

  it('a body that stalls after its first bytes is cut off within the idle timeout', async () => {
    const held = holdConnection(server.url, Buffer.concat([webhookHead(100_000), Buffer.from('{"object":')]));
    expect(await held.closed).toBeLessThan(IDLE_TIMEOUT_MS + SLACK_MS);
    await pingServed();
  });

  it('a body that trickles in (never idle) is cut off at the request timeout', async () => {
    const held = holdConnection(server.url, webhookHead(100_000));
    const trickle = setInterval(() => held.write('{'), 200);
    try {
      const closedAfter = await held.closed;
      expect(closedAfter).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
      expect(closedAfter).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
      expect(held.received()).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(trickle);
    }
  });

  it('headers sent one byte at a time are cut off at the headers timeout', async () => {
    const head = webhookHead(10).toString('latin1');
    const held = holdConnection(server.url, head.slice(0, 10));
    let sent = 10;
    const trickle = setInterval(() => held.write(head.slice(sent, ++sent)), 100);
    try {
      expect(await held.closed).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
      expect(sent).toBeLessThan(head.length);
    } finally {
      clearInterval(trickle);
    }
  });

  it('an idle kept-alive connection is closed after the keep-alive timeout', async () => {
    const held = holdConnection(server.url, 'GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const closedAfter = await held.closed;
    expect(held.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(closedAfter).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_MS - 100);
    expect(closedAfter).toBeLessThan(KEEP_ALIVE_TIMEOUT_MS + SLACK_MS);
  });

  it('beyond the bodies-in-flight budget a large body is refused with 503 before it is read; small bodies still fit', async () => {
    const fits = Math.floor(BODIES_IN_FLIGHT / WEBHOOK_BODY);
    const held = Array.from({ length: fits }, () => holdConnection(server.url, webhookHead(WEBHOOK_BODY)));
    await eventually(
      () => metric('flowgate_http_body_bytes_in_flight'),
      (bytes) => bytes === fits * WEBHOOK_BODY,
      5_000,
    );
    const refused = holdConnection(server.url, webhookHead(WEBHOOK_BODY));
    await refused.closed;
    expect(refused.received()).toMatch(/^HTTP\/1\.1 503 [^]*retry-after: 1/i);
    await pingServed();
    await Promise.all(held.map((connection) => connection.closed));
    expect(
      await eventually(
        () => metric('flowgate_http_body_bytes_in_flight'),
        (bytes) => bytes === 0,
        5_000,
      ),
    ).toBe(0);
  });

  it('150 connections stalled in large bodies: bounded memory, 503 beyond the budget, signed requests served, all closed, memory back down', async () => {
    const rssBefore = await metric('process_resident_memory_bytes');
    const part = randomBytes(1024 * 1024);
    // Each announces a 3.4 MB webhook, sends 1 MiB of it and stops.
    const held = Array.from({ length: 150 }, () => holdConnection(server.url, Buffer.concat([webhookHead(WEBHOOK_BODY), part])));
    await sleep(500);

    const inFlight = await metric('flowgate_http_body_bytes_in_flight');
    expect(inFlight).toBeGreaterThan(0);
    expect(inFlight).toBeLessThanOrEqual(BODIES_IN_FLIGHT);
    for (let i = 0; i < 5; i++) await pingServed();
    const rssDuring = await metric('process_resident_memory_bytes');
    // Unbounded, 150 × 1 MiB would be held (and 150 × 3.4 MB once they send it all).
    expect((rssDuring - rssBefore) / 2 ** 20).toBeLessThan(80);

    const closedAfter = await Promise.all(held.map((connection) => connection.closed));
    expect(Math.max(...closedAfter)).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
    // Refused at once (503; a client still writing may see the close before the answer) or cut off.
    const answers = new Set(held.map((connection) => connection.received().slice(0, 12)));
    expect([...answers].filter((answer) => !['', 'HTTP/1.1 503', 'HTTP/1.1 408'].includes(answer))).toEqual([]);

    expect(
      await eventually(
        () => metric('flowgate_http_body_bytes_in_flight'),
        (bytes) => bytes === 0,
        5_000,
      ),
    ).toBe(0);
    await pingServed();
  }, 30_000);
});
