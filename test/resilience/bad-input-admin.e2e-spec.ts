import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestFlowsModule } from '../flows-core/fixtures/test-flows.js';
import { itAnswers, type Answer, type InputCase } from './support/input-cases.js';
import { rawRequest, requestHead } from './support/raw-http.js';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

let test: TestApp;
let db: DataSource;

async function call(
  path: string,
  options: { method?: string; authorization?: string | null; body?: string | Buffer; contentType?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  const authorization = options.authorization === undefined ? `Bearer ${ADMIN_TOKEN}` : options.authorization;
  if (authorization !== null) headers.authorization = authorization;
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${test.url}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body,
  });
  const text = await response.text();
  return { status: response.status, text, json: text.startsWith('{') ? JSON.parse(text) : undefined, headers: response.headers };
}

/** GET /admin/webhooks with this Authorization header (null: none). */
const listWith = (authorization: string | null) => () => call('/admin/webhooks', { authorization });
/** GET /admin/webhooks with header lines written byte for byte. */
const listRaw =
  (...headerLines: Array<string | Buffer>) =>
  () =>
    rawRequest(test.url, requestHead('GET', '/admin/webhooks', headerLines, 0));
const scrapeWith = (authorization: string | null) => () => call('/metrics', { authorization });
/** POST /admin/flows/<flow>/sessions with this body. */
const issue =
  (body: string | Buffer, options: { flow?: string; authorization?: string | null; contentType?: string } = {}) =>
  () =>
    call(`/admin/flows/${options.flow ?? 'members'}/sessions`, { body, authorization: options.authorization, contentType: options.contentType });
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

const unauthorized = (answer: Answer) => expect(answer.json?.message).toBe('Missing or invalid admin token');
const saysWhatToFix = (pattern: RegExp) => (answer: Answer) => expect(JSON.stringify(answer.json?.message)).toMatch(pattern);

const tokenCases: InputCase[] = [
  { name: 'no Authorization header', send: listWith(null), status: 401, check: unauthorized },
  { name: 'empty Authorization header', send: listWith(''), status: 401, check: unauthorized },
  { name: 'token without the Bearer scheme', send: listWith(ADMIN_TOKEN), status: 401, check: unauthorized },
  { name: 'Bearer and no token', send: listWith('Bearer'), status: 401 },
  { name: 'Bearer and an empty token', send: listRaw('Authorization: Bearer '), status: 401 },
  { name: 'two spaces after Bearer', send: listWith(`Bearer  ${ADMIN_TOKEN}`), status: 401 },
  { name: 'a space inside the token', send: listWith(`Bearer ${ADMIN_TOKEN.slice(0, 8)} ${ADMIN_TOKEN.slice(8)}`), status: 401 },
  { name: 'Basic scheme', send: listWith(`Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`), status: 401 },
  { name: 'Token scheme', send: listWith(`Token ${ADMIN_TOKEN}`), status: 401 },
  { name: 'scheme in lower case (schemes are case-insensitive)', send: listWith(`bearer ${ADMIN_TOKEN}`), status: 200 },
  { name: 'token in another case', send: listWith(`Bearer ${ADMIN_TOKEN.toUpperCase()}`), status: 401 },
  { name: 'a prefix of the token', send: listWith(`Bearer ${ADMIN_TOKEN.slice(0, -1)}`), status: 401 },
  { name: 'the token and one more character', send: listWith(`Bearer ${ADMIN_TOKEN}x`), status: 401 },
  { name: 'two Bearer tokens in one header', send: listWith(`Bearer x, Bearer ${ADMIN_TOKEN}`), status: 401 },
  { name: 'token of 8 kB', send: listWith(`Bearer ${'t'.repeat(8_000)}`), status: 401 },
  { name: 'token larger than the header limit', send: listWith(`Bearer ${'t'.repeat(20_000)}`), status: 431 },
  {
    name: 'non-ASCII token',
    send: listRaw(Buffer.concat([Buffer.from('Authorization: Bearer '), Buffer.from(`${ADMIN_TOKEN}é✓`, 'utf8')])),
    status: 401,
  },
  { name: 'control character in the token', send: listRaw(`Authorization: Bearer ${ADMIN_TOKEN}\x01`), status: 400 },
  {
    name: 'wrong token first, right token in a second header',
    send: listRaw('Authorization: Bearer nope', `Authorization: Bearer ${ADMIN_TOKEN}`),
    status: 401,
  },
  { name: 'token in the query string', send: () => call(`/admin/webhooks?access_token=${ADMIN_TOKEN}`, { authorization: null }), status: 401 },
  { name: 'no token and an invalid JSON body', send: issue('{"phone":', { authorization: null }), status: 401, check: unauthorized },
  { name: 'no token and a body of another type', send: issue('phone=1', { authorization: null, contentType: 'text/plain' }), status: 401 },
  {
    name: 'no token and a body over the limit',
    send: issue(JSON.stringify({ phone: 'x'.repeat(2 * 1024 * 1024) }), { authorization: null }),
    status: 401,
  },
  {
    name: 'no token, a percent-encoded path and an invalid body',
    send: () => call('/%61dmin/flows/members/sessions', { body: '{"phone":', authorization: null }),
    status: 401,
    check: unauthorized,
  },
  {
    name: 'no token, a trailing slash and an invalid body',
    send: () => call('/admin/flows/members/sessions/', { body: '{"phone":', authorization: null }),
    status: 401,
  },
  { name: 'metrics: no token', send: scrapeWith(null), status: 401 },
  { name: 'metrics: the admin token', send: scrapeWith(`Bearer ${ADMIN_TOKEN}`), status: 401 },
  { name: 'metrics: token of 8 kB', send: scrapeWith(`Bearer ${'m'.repeat(8_000)}`), status: 401 },
  { name: 'metrics: token without the scheme', send: scrapeWith(METRICS_TOKEN), status: 401 },
];

const bodyCases: InputCase[] = [
  { name: 'invalid JSON', send: issue('{"phone":'), status: 400 },
  { name: 'content-type text/plain', send: issue('+351910000000', { contentType: 'text/plain' }), status: 415 },
  { name: 'content-type form-urlencoded', send: issue('phone=%2B351910000000', { contentType: 'application/x-www-form-urlencoded' }), status: 415 },
  { name: 'empty JSON body', send: issue(''), status: 400 },
  { name: 'body over 1 MiB', send: issue(JSON.stringify({ phone: 'x'.repeat(1024 * 1024) })), status: 413 },
  { name: 'JSON array body', send: issue('[{"phone":"+351910000000"}]'), status: 400 },
  { name: 'JSON null body', send: issue('null'), status: 400 },
  { name: 'JSON string body', send: issue('"+351910000000"'), status: 400 },
  { name: 'a __proto__ key', send: issue('{"phone":"+351910000000","__proto__":{"polluted":"yes"}}'), status: 400 },
  { name: 'a constructor.prototype key', send: issue('{"phone":"+351910000000","constructor":{"prototype":{"polluted":"yes"}}}'), status: 400 },
  { name: 'deeply nested JSON', send: issue(`{"phone":"+351910000000","x":${nested(10_000)}}`), status: 400 },
  { name: 'invalid UTF-8', send: issue(Buffer.concat([Buffer.from('{"phone":"+351'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])), status: 400 },
  { name: 'phone that is a number', send: issue('{"phone":351910000000}'), status: 400, check: saysWhatToFix(/E\.164/) },
  { name: 'phone of 100 kB', send: issue(JSON.stringify({ phone: `+${'1'.repeat(100_000)}` })), status: 400, check: saysWhatToFix(/E\.164/) },
  { name: 'an unknown field', send: issue('{"phone":"+351910000000","admin":true}'), status: 400, check: saysWhatToFix(/admin/) },
  {
    name: 'expires_in_s as a string',
    send: issue('{"phone":"+351910000000","expires_in_s":"3600"}'),
    status: 400,
    check: saysWhatToFix(/expires_in_s/),
  },
  {
    name: 'expires_in_s beyond any date',
    send: issue('{"phone":"+351910000000","expires_in_s":1e308}'),
    status: 400,
    check: saysWhatToFix(/expires_in_s/),
  },
  { name: 'unknown flow', send: issue('{"phone":"+351910000000"}', { flow: 'no-such-flow' }), status: 404 },
  { name: 'flow named __proto__', send: issue('{"phone":"+351910000000"}', { flow: '__proto__' }), status: 404 },
  {
    name: 'text message of 5000 characters',
    send: () => call('/admin/messages/text', { body: JSON.stringify({ to: '+351910000000', text: 'x'.repeat(5_000) }) }),
    status: 400,
  },
  { name: 'replay of an id that is not a UUID', send: () => call('/admin/webhooks/1%27%20OR%201%3D1/replay', { method: 'POST' }), status: 400 },
  { name: 'replay of an unknown event', send: () => call(`/admin/webhooks/${randomUUID()}/replay`, { method: 'POST' }), status: 404 },
  { name: 'listing with an unknown status', send: () => call('/admin/webhooks?status=deleted'), status: 400 },
  { name: 'listing with the status given twice', send: () => call('/admin/webhooks?status=failed&status=processed'), status: 400 },
  {
    name: 'a valid session request (control)',
    send: issue('{"phone":"+351910000000","expires_in_s":3600}'),
    status: 201,
    adds: { flow_sessions: 1 },
  },
];

describe('bad input on the admin API and /metrics', () => {
  beforeAll(async () => {
    test = await startTestApp({
      modules: [TestFlowsModule],
      env: { ADMIN_TOKEN, METRICS_TOKEN, QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}` },
    });
    db = test.app.get(DataSource);
  });
  afterAll(async () => test?.close());

  itAnswers([...tokenCases, ...bodyCases], () => ({
    counts: async () => ({
      flow_sessions: Number((await db.query('SELECT count(*) AS n FROM flow_sessions'))[0].n),
      webhook_events: Number((await db.query('SELECT count(*) AS n FROM webhook_events'))[0].n),
    }),
    stillServes: async () => {
      const answer = await call('/admin/webhooks?status=failed');
      expect([answer.status, answer.json]).toEqual([200, { events: [] }]);
    },
  }));
});
