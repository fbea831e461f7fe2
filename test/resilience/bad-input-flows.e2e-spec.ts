import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { DataSource } from 'typeorm';
import { encryptRequest } from '../../src/flows-core/crypto/flow-crypto.js';
import type { FlowEnvelope } from '../../src/flows-core/crypto/flow-envelope.js';
import { USER_MESSAGES } from '../../src/flows-core/routing/flow-router.js';
import { TOKEN_MESSAGES } from '../../src/flows-core/sessions/flow-sessions.service.js';
import { signBody } from '../../src/hub-signature/index.js';
import type { SendOptions } from '../kit/flow-test-client.js';
import { generateAppSecret } from '../kit/test-keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestFlowsModule } from '../flows-core/fixtures/test-flows.js';
import { BulkyFlowModule } from './fixtures/bulky-flow.js';
import { itAnswers, type Answer, type InputCase } from './support/input-cases.js';
import { holdConnection, rawRequest, requestHead } from './support/raw-http.js';
import { encryptPlaintext } from './support/raw-plaintext.js';

/** Small enough to test cheaply, large enough for the cases that must fit under it. */
const BODY_LIMIT = 512 * 1024;
const ping = { version: '3.0', action: 'ping' };

let test: TestApp;
let db: DataSource;

/** A fresh token per case, so a case that opens a session adds exactly one row. */
const token = () => `tok-${randomBytes(6).toString('hex')}`;

/** Posts exact bytes to the data endpoint, signed with the app secret unless told otherwise. */
async function postBytes(body: Buffer, options: { contentType?: string | null; flow?: string; signature?: string | null } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.contentType !== null) headers['content-type'] = options.contentType ?? 'application/json';
  const signature = options.signature === undefined ? signBody(body, test.appSecret) : options.signature;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const response = await fetch(`${test.url}/flows/${options.flow ?? 'echo'}`, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
/** A valid ping envelope changed after encryption. */
const tampered = (tamper: (envelope: FlowEnvelope) => Record<string, unknown>) => () => test.client.ping('echo', { tamper });
/** Valid crypto around exact plaintext bytes. */
const plaintext = (bytes: Buffer | string) => () => {
  const { envelope, session } = encryptPlaintext(Buffer.from(bytes), test.keys.publicPem);
  return test.client.post('echo', json(envelope), session);
};
const send =
  (payload: unknown, options?: SendOptions, flow = 'echo') =>
  () =>
    test.client.send(flow, payload, options);
const exchange = (screen: unknown, data: unknown, flowToken: unknown = token(), flow = 'echo') =>
  send({ version: '3.0', action: 'data_exchange', screen, data, flow_token: flowToken }, undefined, flow);
/** A signed, correctly encrypted ping whose header lines are written byte for byte. */
const rawPing = (headerLines: (body: Buffer, signature: string) => string[]) => async (): Promise<Answer> => {
  const body = json(encryptRequest(ping, test.keys.publicPem).envelope);
  const lines = ['Content-Type: application/json', ...headerLines(body, signBody(body, test.appSecret))];
  return rawRequest(test.url, requestHead('POST', '/flows/echo', lines, body.length), body);
};

/** Nested `depth` levels deep: `[[[...]]]` */
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

const emptyBody = (answer: Answer) => expect(answer.text).toBe('');
const errorOn = (screen: string, message: string | RegExp) => (answer: Answer) => {
  expect(answer.json.screen).toBe(screen);
  expect(answer.json.data.error_message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
};
const rejectedToken = (answer: Answer) => expect(answer.json).toEqual({ error_msg: TOKEN_MESSAGES.invalid });
const readableError = (answer: Answer) => expect(JSON.parse(answer.text).message).toEqual(expect.any(String));

const cases: InputCase[] = [
  // ---- the HTTP body, before any crypto
  { name: 'invalid JSON', send: () => postBytes(Buffer.from('{"encrypted_flow_data": ')), status: 400, check: readableError },
  { name: 'content-type text/plain', send: () => postBytes(json({}), { contentType: 'text/plain' }), status: 415 },
  {
    name: 'content-type form-urlencoded',
    send: () => postBytes(Buffer.from('a=1'), { contentType: 'application/x-www-form-urlencoded' }),
    status: 415,
  },
  { name: 'no content-type', send: () => postBytes(json({}), { contentType: null }), status: 415 },
  { name: 'empty body', send: () => postBytes(Buffer.alloc(0)), status: 400 },
  { name: 'body over FLOW_BODY_LIMIT', send: () => postBytes(json({ encrypted_flow_data: 'A'.repeat(BODY_LIMIT) })), status: 413 },
  {
    name: 'deeply nested JSON body',
    send: () => postBytes(Buffer.from(`{"encrypted_flow_data":${nested(100_000)}}`)),
    status: 400,
    check: readableError,
  },
  {
    name: 'envelope with a __proto__ key',
    send: () => postBytes(Buffer.from('{"__proto__":{"polluted":"yes"},"initial_vector":"AAAA"}')),
    status: 400,
  },
  {
    name: 'envelope with constructor.prototype',
    send: () => postBytes(Buffer.from('{"constructor":{"prototype":{"polluted":"yes"}}}')),
    status: 400,
  },
  { name: 'JSON array body', send: () => postBytes(Buffer.from('[1,2,3]')), status: 400 },
  { name: 'JSON string body', send: () => postBytes(Buffer.from('"encrypted"')), status: 400 },
  { name: 'JSON null body', send: () => postBytes(Buffer.from('null')), status: 400 },
  {
    name: 'invalid UTF-8 in the body',
    send: () => postBytes(Buffer.concat([Buffer.from('{"encrypted_flow_data":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')])),
    status: 400,
    check: readableError,
  },

  // ---- envelope fields (421: the client refetches the public key and retries)
  {
    name: 'huge non-base64 string field',
    send: tampered((e) => ({ ...e, encrypted_flow_data: '!'.repeat(300_000) })),
    status: 421,
    check: emptyBody,
  },
  {
    name: 'huge base64 ciphertext that does not authenticate',
    send: tampered((e) => ({ ...e, encrypted_flow_data: randomBytes(300_000).toString('base64') })),
    status: 421,
  },
  {
    name: 'non-base64 encrypted_aes_key',
    send: tampered((e) => ({ ...e, encrypted_aes_key: `${e.encrypted_aes_key.slice(0, -4)}%%%%` })),
    status: 421,
  },
  {
    name: 'URL-safe base64 IV',
    send: tampered((e) => ({ ...e, initial_vector: e.initial_vector.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') + '-_' })),
    status: 421,
  },
  { name: 'IV of 12 bytes', send: tampered((e) => ({ ...e, initial_vector: randomBytes(12).toString('base64') })), status: 421 },
  { name: 'IV of 32 bytes', send: tampered((e) => ({ ...e, initial_vector: randomBytes(32).toString('base64') })), status: 421 },
  {
    name: 'RSA block of 128 bytes (RSA-1024 size)',
    send: tampered((e) => ({ ...e, encrypted_aes_key: randomBytes(128).toString('base64') })),
    status: 421,
  },
  {
    name: 'RSA block of 255 bytes',
    send: tampered((e) => ({ ...e, encrypted_aes_key: Buffer.from(e.encrypted_aes_key, 'base64').subarray(1).toString('base64') })),
    status: 421,
  },
  {
    name: 'RSA block of 512 bytes (RSA-4096 size)',
    send: tampered((e) => ({ ...e, encrypted_aes_key: randomBytes(512).toString('base64') })),
    status: 421,
  },
  {
    name: 'ciphertext shorter than the GCM tag',
    send: tampered((e) => ({ ...e, encrypted_flow_data: randomBytes(15).toString('base64') })),
    status: 421,
  },
  { name: 'a field that is a number', send: tampered((e) => ({ ...e, encrypted_aes_key: 42 })), status: 421 },
  { name: 'a field that is an object', send: tampered((e) => ({ ...e, initial_vector: { base64: e.initial_vector } })), status: 421 },
  { name: 'a field that is null', send: tampered((e) => ({ ...e, encrypted_flow_data: null })), status: 421 },
  { name: 'a missing field', send: tampered(({ initial_vector: _, ...rest }) => rest), status: 421 },

  // ---- valid crypto around a plaintext of the wrong shape
  { name: 'plaintext that is not JSON', send: plaintext('action=ping'), status: 400, check: readableError },
  {
    name: 'plaintext that is not UTF-8',
    send: plaintext(Buffer.concat([Buffer.from('{"action":"ping","x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])),
    status: 400,
  },
  { name: 'empty plaintext', send: plaintext(''), status: 400 },
  { name: 'plaintext JSON array', send: plaintext('[{"action":"ping"}]'), status: 400 },
  { name: 'plaintext JSON string', send: plaintext('"ping"'), status: 400 },
  { name: 'plaintext JSON number', send: plaintext('3.0'), status: 400 },
  { name: 'plaintext JSON null', send: plaintext('null'), status: 400 },
  { name: 'plaintext without action', send: send({ version: '3.0', flow_token: 'x' }), status: 400, check: readableError },
  { name: 'action that is not a string', send: send({ version: '3.0', action: ['ping'] }), status: 400 },
  { name: 'unknown action', send: send({ version: '3.0', action: 'DELETE', flow_token: 'x' }), status: 400, check: readableError },
  { name: 'navigate action without an error', send: send({ version: '3.0', action: 'navigate', screen: 'START', flow_token: 'x' }), status: 400 },
  {
    name: 'unsupported version',
    send: send({ version: '2.0', action: 'ping' }),
    status: 400,
    check: (a) => expect(JSON.parse(a.text).message).toMatch(/version/),
  },
  { name: 'version that is a number', send: send({ version: 3, action: 'ping' }), status: 400 },
  {
    name: 'plaintext with a top-level __proto__ key',
    send: plaintext('{"__proto__":{"polluted":"yes"},"version":"3.0","action":"ping"}'),
    status: 200,
    check: (a) => expect(a.json).toEqual({ data: { status: 'active' } }),
  },
  {
    name: 'flow data with a __proto__ key reaching a DTO',
    send: plaintext(
      `{"version":"3.0","action":"data_exchange","screen":"START","flow_token":"${token()}","data":{"text":"hi","__proto__":{"polluted":"yes"}}}`,
    ),
    status: 200,
    check: (a) => expect(a.json).toEqual({ screen: 'ECHO', data: { text: 'hi', length: 2 } }),
    adds: { flow_sessions: 1 },
  },
  {
    name: 'flow data with constructor.prototype reaching session state',
    send: exchange('COUNT', { constructor: { prototype: { polluted: 'yes' } } }),
    status: 200,
    check: (a) => expect(a.json).toEqual({ screen: 'COUNT', data: { count: 1 } }),
    adds: { flow_sessions: 1 },
  },
  {
    name: 'deeply nested flow data',
    send: plaintext(
      `{"version":"3.0","action":"data_exchange","screen":"START","flow_token":"${token()}","data":{"text":"hi","deep":${nested(20_000)}}}`,
    ),
    status: 400,
    check: (a) => expect(JSON.parse(a.text).message).toMatch(/nested deeper/),
  },

  // ---- routing
  { name: 'unknown flow', send: send(ping, undefined, 'no-such-flow'), status: 404, check: readableError },
  { name: 'flow named __proto__', send: send(ping, undefined, '__proto__'), status: 404 },
  { name: 'flow named constructor', send: send(ping, undefined, 'constructor'), status: 404 },
  { name: 'flow name of 2000 characters', send: send(ping, undefined, 'f'.repeat(2000)), status: 414 },
  {
    name: 'unknown screen',
    send: exchange('NO_SUCH_SCREEN', {}),
    status: 200,
    check: errorOn('START', USER_MESSAGES.unavailable),
    adds: { flow_sessions: 1 },
  },
  // Typed before anything routes on them: a field of the wrong JSON type is a 400 that names it.
  {
    name: 'screen that is not a string',
    send: exchange({ id: 'START' }, { text: 'hi' }),
    status: 400,
    check: (a) => expect(JSON.parse(a.text).message).toMatch(/screen/),
  },
  {
    name: 'data failing the DTO',
    send: exchange('QUANTITY', { quantity: 'lots' }),
    status: 200,
    check: errorOn('QUANTITY', /whole number/),
    adds: { flow_sessions: 1 },
  },
  {
    name: 'data missing',
    send: send({ version: '3.0', action: 'data_exchange', screen: 'QUANTITY', flow_token: token() }),
    status: 200,
    check: errorOn('QUANTITY', /whole number/),
    adds: { flow_sessions: 1 },
  },
  {
    name: 'data that is a string',
    send: exchange('QUANTITY', 'quantity=3'),
    status: 400,
    check: (a) => expect(JSON.parse(a.text).message).toMatch(/data/),
  },
  {
    name: 'data that is an array',
    send: exchange('QUANTITY', [{ quantity: 3 }]),
    status: 400,
    check: (a) => expect(JSON.parse(a.text).message).toMatch(/data/),
  },
  {
    name: 'huge string in flow data',
    send: exchange('START', { text: 'x'.repeat(250_000) }),
    status: 200,
    check: errorOn('START', /text/),
    adds: { flow_sessions: 1 },
  },
  {
    name: 'NUL character in flow data',
    send: exchange('START', { text: 'a\u0000b' }),
    status: 200,
    check: (a) => expect(a.json).toEqual({ screen: 'ECHO', data: { text: 'a\u0000b', length: 3 } }),
    adds: { flow_sessions: 1 },
  },
  {
    name: 'reply larger than WhatsApp takes',
    send: exchange('ASK', { bytes: 2 * 1024 * 1024 }, token(), 'bulky'),
    status: 200,
    check: errorOn('ASK', USER_MESSAGES.unexpected),
    adds: { flow_sessions: 1 },
  },

  // ---- flow tokens (427 with an encrypted error_msg)
  { name: 'missing flow_token', send: send({ version: '3.0', action: 'INIT' }), status: 427, check: rejectedToken },
  { name: 'empty flow_token', send: send({ version: '3.0', action: 'INIT', flow_token: '' }), status: 427, check: rejectedToken },
  {
    name: 'flow_token that is not a string',
    send: send({ version: '3.0', action: 'INIT', flow_token: { $ne: null } }),
    status: 400,
    check: (a) => expect(JSON.parse(a.text).message).toMatch(/flow_token/),
  },
  {
    name: 'flow_token of 100 kB',
    send: send({ version: '3.0', action: 'INIT', flow_token: 't'.repeat(100_000) }),
    status: 427,
    check: rejectedToken,
  },
  {
    name: 'flow_token with a NUL character',
    send: send({ version: '3.0', action: 'INIT', flow_token: 'tok\u0000en' }),
    status: 427,
    check: rejectedToken,
  },
  {
    name: 'flow_token with SQL in it',
    send: send({ version: '3.0', action: 'INIT', flow_token: "x' OR '1'='1" }, undefined, 'members'),
    status: 427,
    check: rejectedToken,
  },
  {
    name: 'unknown token on a flow of issued tokens',
    send: send({ version: '3.0', action: 'INIT', flow_token: token() }, undefined, 'members'),
    status: 427,
    check: rejectedToken,
  },

  // ---- X-Hub-Signature-256 (432, empty body)
  { name: 'no signature header', send: send(ping, { signWith: null }), status: 432, check: emptyBody },
  { name: 'signature signed with another secret', send: send(ping, { signWith: generateAppSecret() }), status: 432 },
  { name: 'signature without the sha256= prefix', send: rawPing((_, sig) => [`X-Hub-Signature-256: ${sig.slice(7)}`]), status: 432 },
  { name: 'signature prefix in capitals', send: rawPing((_, sig) => [`X-Hub-Signature-256: SHA256=${sig.slice(7)}`]), status: 432 },
  { name: 'signature in uppercase hex', send: rawPing((_, sig) => [`X-Hub-Signature-256: sha256=${sig.slice(7).toUpperCase()}`]), status: 200 },
  { name: 'signature one hex digit short', send: rawPing((_, sig) => [`X-Hub-Signature-256: ${sig.slice(0, -1)}`]), status: 432 },
  { name: 'signature of 10 kB', send: rawPing((_, sig) => [`X-Hub-Signature-256: ${sig}${'0'.repeat(10_000)}`]), status: 432 },
  { name: 'signature header name in capitals', send: rawPing((_, sig) => [`X-HUB-SIGNATURE-256: ${sig}`]), status: 200 },
  { name: 'signature header sent twice', send: rawPing((_, sig) => [`X-Hub-Signature-256: ${sig}`, `X-Hub-Signature-256: ${sig}`]), status: 432 },
  { name: 'signature with non-ASCII bytes', send: rawPing((_, sig) => [`X-Hub-Signature-256: ${sig.slice(0, -2)}\u00e9`]), status: 432 },

  // ---- unsigned bytes are never parsed: what would be a 400 once signed is a 432 without a signature
  {
    name: 'unsigned invalid JSON',
    send: () => postBytes(Buffer.from('{"encrypted_flow_data": '), { signature: null }),
    status: 432,
    check: emptyBody,
  },
  {
    name: 'mis-signed invalid JSON',
    send: () => postBytes(Buffer.from('{"encrypted_flow_data": '), { signature: signBody('{}', test.appSecret) }),
    status: 432,
  },
  {
    name: 'unsigned deeply nested JSON',
    send: () => postBytes(Buffer.from(`{"encrypted_flow_data":${nested(100_000)}}`), { signature: null }),
    status: 432,
  },
  {
    name: 'mis-signed deeply nested JSON',
    send: () => postBytes(Buffer.from(`{"a":${nested(100_000)}}`), { signature: signBody('x', generateAppSecret()) }),
    status: 432,
  },
  { name: 'unsigned invalid UTF-8', send: () => postBytes(Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0x7d]), { signature: null }), status: 432 },
  { name: 'unsigned __proto__ key', send: () => postBytes(Buffer.from('{"__proto__":{"polluted":"yes"}}'), { signature: null }), status: 432 },
  {
    name: 'unsigned body over FLOW_BODY_LIMIT',
    send: () => postBytes(json({ encrypted_flow_data: 'A'.repeat(BODY_LIMIT) }), { signature: null }),
    status: 432,
  },
  {
    // Answered from the headers alone: the server does not wait for a body it would never parse.
    name: 'unsigned request whose announced body never comes',
    send: () => rawRequest(test.url, requestHead('POST', '/flows/echo', ['Content-Type: application/json'], 400_000)),
    status: 432,
  },
  {
    // On a kept-alive connection too: the answer closes it rather than read the rest of the body.
    name: 'unsigned request on a kept-alive connection, body never sent',
    send: async () => {
      const held = holdConnection(
        test.url,
        'POST /flows/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 400000\r\n\r\n',
      );
      await held.closed;
      const answer = held.received();
      expect(answer).toMatch(/\r\nconnection: close\r\n/i);
      return { status: Number(answer.split(' ')[1]), text: answer.split('\r\n\r\n')[1] ?? '' };
    },
    status: 432,
  },
  {
    name: 'malformed signature and an announced body that never comes',
    send: () =>
      rawRequest(test.url, requestHead('POST', '/flows/echo', ['Content-Type: application/json', 'X-Hub-Signature-256: sha256=00'], 400_000)),
    status: 432,
  },
];

describe('bad input on the data endpoint, POST /flows/<name>', () => {
  beforeAll(async () => {
    test = await startTestApp({ modules: [TestFlowsModule, BulkyFlowModule], env: { FLOW_BODY_LIMIT: String(BODY_LIMIT) } });
    db = test.app.get(DataSource);
  });
  afterAll(async () => test?.close());

  itAnswers(cases, () => ({
    counts: async () => ({ flow_sessions: Number((await db.query('SELECT count(*) AS n FROM flow_sessions'))[0].n) }),
    stillServes: async () => {
      const reply = await test.client.ping('echo');
      expect([reply.status, reply.json]).toEqual([200, { data: { status: 'active' } }]);
    },
  }));
});
