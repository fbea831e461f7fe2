import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { signBody } from '../../src/hub-signature/index.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { FlowSessions } from '../../src/flows-core/sessions/flow-sessions.service.js';
import { nfmReply, SignupFlowModule, statusUpdate } from '../webhooks/fixtures.js';
import { itAnswers, type Answer, type InputCase } from './support/input-cases.js';
import { rawRequest, requestHead } from './support/raw-http.js';

const WASENDER_SECRET = 'wasender-secret-0123456789';

let test: TestApp;
let db: DataSource;

type Signer = (body: Buffer) => Record<string, string>;
const metaSignature: Signer = (body) => ({ 'x-hub-signature-256': signBody(body, test.appSecret) });
const wasenderSignature: Signer = () => ({ 'x-webhook-signature': WASENDER_SECRET });

async function post(path: string, body: Buffer | string, sign: Signer | null, contentType: string | null = 'application/json'): Promise<Answer> {
  const bytes = Buffer.from(body);
  const headers: Record<string, string> = { ...(sign ? sign(bytes) : {}) };
  if (contentType !== null) headers['content-type'] = contentType;
  const response = await fetch(`${test.url}${path}`, { method: 'POST', headers, body: bytes });
  const text = await response.text();
  return { status: response.status, text, json: text.startsWith('{') ? JSON.parse(text) : undefined };
}

const whatsapp = (body: Buffer | string, contentType?: string | null) => () => post('/webhooks/whatsapp', body, metaSignature, contentType);
const wasender = (body: Buffer | string, contentType?: string | null) => () => post('/webhooks/wasender', body, wasenderSignature, contentType);
const json = (value: unknown) => JSON.stringify(value);
const wamid = () => `wamid.${randomBytes(8).toString('hex')}`;
/** A delivery status whose status object is changed by `change`. */
const status = (change: (status: Record<string, unknown>) => Record<string, unknown>) => {
  const notification = statusUpdate(wamid(), 'delivered');
  const value = notification.entry[0].changes[0].value as { statuses: Array<Record<string, unknown>> };
  value.statuses[0] = change(value.statuses[0]);
  return json(notification);
};
/** A text message from a user, as Meta posts it. */
const textMessage = (id: string, text: string) =>
  json({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              messages: [{ from: '351910000000', id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
            },
          },
        ],
      },
    ],
  });
/** A signed, valid status update whose header lines are written byte for byte. */
const rawWebhook = (path: string, headerLines: (body: Buffer) => string[]) => async (): Promise<Answer> => {
  const body = Buffer.from(json(statusUpdate(wamid(), 'read')));
  const lines = ['Content-Type: application/json', ...headerLines(body)];
  return rawRequest(test.url, requestHead('POST', path, lines, body.length), body);
};
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

const storedOne = (answer: Answer) => expect(answer.json).toEqual({ stored: 1, duplicates: 0 });
const storedNone = (answer: Answer) => expect(answer.json).toEqual({ stored: 0, duplicates: 0 });
const readableError = (answer: Answer) => expect(answer.json.message).toEqual(expect.any(String));

const whatsappCases: InputCase[] = [
  { name: 'invalid JSON', send: whatsapp('{"object":"whatsapp_business_account",'), status: 400, check: readableError },
  { name: 'content-type text/plain', send: whatsapp(json(statusUpdate(wamid(), 'sent')), 'text/plain'), status: 415 },
  { name: 'content-type form-urlencoded', send: whatsapp('object=whatsapp_business_account', 'application/x-www-form-urlencoded'), status: 415 },
  { name: 'no content-type', send: whatsapp(json(statusUpdate(wamid(), 'sent')), null), status: 415 },
  { name: 'empty body', send: whatsapp(''), status: 400 },
  { name: 'body over 3.5 MiB', send: whatsapp(json({ padding: 'x'.repeat(3.6 * 1024 * 1024) })), status: 413 },
  {
    name: 'deeply nested JSON',
    send: whatsapp(`{"object":"whatsapp_business_account","entry":${nested(50_000)}}`),
    status: 400,
    check: readableError,
  },
  {
    name: 'deeply nested message',
    send: whatsapp(textMessage(wamid(), 'hi').replace('"type":"text"', `"type":"text","deep":${nested(5_000)}`)),
    status: 400,
  },
  { name: 'a __proto__ key', send: whatsapp('{"object":"whatsapp_business_account","__proto__":{"polluted":"yes"}}'), status: 400 },
  { name: 'a constructor.prototype key', send: whatsapp('{"entry":[],"constructor":{"prototype":{"polluted":"yes"}}}'), status: 400 },
  { name: 'JSON array body', send: whatsapp('[{"object":"whatsapp_business_account"}]'), status: 400 },
  { name: 'JSON string body', send: whatsapp('"whatsapp_business_account"'), status: 400 },
  { name: 'JSON null body', send: whatsapp('null'), status: 400 },
  { name: 'JSON number body', send: whatsapp('42'), status: 400 },
  {
    name: 'invalid UTF-8',
    send: whatsapp(
      Buffer.concat([
        Buffer.from(textMessage(wamid(), 'AB').split('AB')[0]),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from(textMessage('x', 'AB').split('AB')[1]),
      ]),
    ),
    status: 400,
  },
  {
    name: 'entry that is not an array',
    send: whatsapp(json({ object: 'whatsapp_business_account', entry: { id: '1' } })),
    status: 200,
    check: storedNone,
  },
  {
    name: 'message without an id',
    send: whatsapp(textMessage(wamid(), 'hi').replace(/"id":"wamid\.[0-9a-f]+",/, '')),
    status: 200,
    check: storedNone,
  },
  {
    name: 'message id of 100 kB',
    send: whatsapp(textMessage(`wamid.${randomBytes(50_000).toString('hex')}`, 'hi')),
    status: 200,
    check: storedOne,
    adds: { webhook_events: 1 },
  },
  {
    name: 'message id with a NUL character',
    send: whatsapp(textMessage(`${wamid()}\u0000`, 'hi')),
    status: 200,
    check: storedOne,
    adds: { webhook_events: 1 },
  },
  {
    name: 'message text with a NUL character',
    send: whatsapp(textMessage(wamid(), 'a\u0000b')),
    status: 200,
    check: storedOne,
    adds: { webhook_events: 1 },
  },
  {
    name: 'message text of 3 MB',
    send: whatsapp(textMessage(wamid(), 'ç'.repeat(1_500_000))),
    status: 200,
    check: storedOne,
    adds: { webhook_events: 1 },
  },
  {
    name: 'timestamp beyond any date',
    send: whatsapp(status((s) => ({ ...s, timestamp: '99999999999999999999' }))),
    status: 200,
    check: storedOne,
    adds: { webhook_events: 1 },
  },
  {
    name: 'timestamp that is not a number',
    send: whatsapp(status((s) => ({ ...s, timestamp: { $gt: 0 } }))),
    status: 200,
    check: storedOne,
    adds: { webhook_events: 1 },
  },
  { name: 'status that is not a string', send: whatsapp(status((s) => ({ ...s, status: ['read'] }))), status: 200, check: storedNone },
  { name: 'no signature header', send: () => post('/webhooks/whatsapp', json(statusUpdate(wamid(), 'sent')), null), status: 401 },
  {
    name: 'signature without the sha256= prefix',
    send: rawWebhook('/webhooks/whatsapp', (b) => [`X-Hub-Signature-256: ${signBody(b, test.appSecret).slice(7)}`]),
    status: 401,
  },
  {
    name: 'signature in uppercase hex',
    send: rawWebhook('/webhooks/whatsapp', (b) => [`X-Hub-Signature-256: sha256=${signBody(b, test.appSecret).slice(7).toUpperCase()}`]),
    status: 200,
    adds: { webhook_events: 1 },
  },
  {
    name: 'signature one hex digit short',
    send: rawWebhook('/webhooks/whatsapp', (b) => [`X-Hub-Signature-256: ${signBody(b, test.appSecret).slice(0, -1)}`]),
    status: 401,
  },
  {
    name: 'signature of 10 kB',
    send: rawWebhook('/webhooks/whatsapp', (b) => [`X-Hub-Signature-256: ${signBody(b, test.appSecret)}${'f'.repeat(10_000)}`]),
    status: 401,
  },
  {
    name: 'signature header name in capitals',
    send: rawWebhook('/webhooks/whatsapp', (b) => [`X-HUB-SIGNATURE-256: ${signBody(b, test.appSecret)}`]),
    status: 200,
    adds: { webhook_events: 1 },
  },
  {
    name: 'signature header sent twice',
    send: rawWebhook('/webhooks/whatsapp', (b) => [
      `X-Hub-Signature-256: ${signBody(b, test.appSecret)}`,
      `X-Hub-Signature-256: ${signBody(b, test.appSecret)}`,
    ]),
    status: 401,
  },
  {
    name: 'signature made with the WASender secret',
    send: rawWebhook('/webhooks/whatsapp', (b) => [`X-Hub-Signature-256: ${signBody(b, WASENDER_SECRET)}`]),
    status: 401,
  },
];

const wasenderEvent = (id: string) =>
  json({ event: 'messages.upsert', timestamp: Math.floor(Date.now() / 1000), data: { messages: { key: { id }, message: { conversation: 'hi' } } } });

const wasenderCases: InputCase[] = [
  { name: 'WASender: invalid JSON', send: wasender('{"event":'), status: 400 },
  { name: 'WASender: content-type text/plain', send: wasender(wasenderEvent('a'), 'text/plain'), status: 415 },
  { name: 'WASender: empty body', send: wasender(''), status: 400 },
  { name: 'WASender: JSON array body', send: wasender('[]'), status: 400 },
  { name: 'WASender: a __proto__ key', send: wasender('{"event":"x","__proto__":{"polluted":"yes"}}'), status: 400 },
  { name: 'WASender: deeply nested JSON', send: wasender(`{"event":"x","data":${nested(50_000)}}`), status: 400 },
  {
    name: 'WASender: message id of 100 kB',
    send: wasender(wasenderEvent(randomBytes(50_000).toString('hex'))),
    status: 200,
    check: storedOne,
    adds: { webhook_events: 1 },
  },
  // ---- unsigned bytes are never parsed: what would be a 400 once signed is a 401 without a signature
  { name: 'unsigned invalid JSON', send: () => post('/webhooks/whatsapp', '{"object":', null), status: 401 },
  {
    name: 'mis-signed deeply nested JSON',
    send: () => post('/webhooks/whatsapp', `{"entry":${nested(50_000)}}`, () => ({ 'x-hub-signature-256': signBody('{}', test.appSecret) })),
    status: 401,
  },
  { name: 'unsigned invalid UTF-8', send: () => post('/webhooks/whatsapp', Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0x7d]), null), status: 401 },
  { name: 'unsigned __proto__ key', send: () => post('/webhooks/whatsapp', '{"__proto__":{"polluted":"yes"}}', null), status: 401 },
  {
    name: 'unsigned request whose announced body never comes',
    send: () => rawRequest(test.url, requestHead('POST', '/webhooks/whatsapp', ['Content-Type: application/json'], 3_000_000)),
    status: 401,
  },
  {
    name: 'WASender: wrong secret, invalid JSON',
    send: () => post('/webhooks/wasender', '{"event":', () => ({ 'x-webhook-signature': `${WASENDER_SECRET}x` })),
    status: 401,
  },
  { name: 'WASender: no secret, deeply nested JSON', send: () => post('/webhooks/wasender', `{"data":${nested(50_000)}}`, null), status: 401 },
  {
    name: 'WASender: no secret, announced body never comes',
    send: () => rawRequest(test.url, requestHead('POST', '/webhooks/wasender', ['Content-Type: application/json'], 3_000_000)),
    status: 401,
  },
  { name: 'WASender: no signature header', send: () => post('/webhooks/wasender', wasenderEvent('c'), null), status: 401 },
  {
    name: 'WASender: wrong secret',
    send: () => post('/webhooks/wasender', wasenderEvent('d'), () => ({ 'x-webhook-signature': `${WASENDER_SECRET}x` })),
    status: 401,
  },
  {
    name: 'WASender: secret of 10 kB',
    send: () => post('/webhooks/wasender', wasenderEvent('e'), () => ({ 'x-webhook-signature': 'x'.repeat(10_000) })),
    status: 401,
  },
  {
    name: 'WASender: secret with non-ASCII bytes',
    send: rawWebhook('/webhooks/wasender', () => [
      Buffer.concat([Buffer.from('X-Webhook-Signature: '), Buffer.from(`${WASENDER_SECRET}ü`, 'utf8')]).toString('latin1'),
    ]),
    status: 401,
  },
  {
    name: 'WASender: signature header name in capitals',
    send: rawWebhook('/webhooks/wasender', () => [`X-WEBHOOK-SIGNATURE: ${WASENDER_SECRET}`]),
    status: 200,
    adds: { webhook_events: 1 },
  },
];

describe('bad input on the webhooks, POST /webhooks/whatsapp and /webhooks/wasender', () => {
  beforeAll(async () => {
    test = await startTestApp({
      modules: [SignupFlowModule],
      env: { WASENDER_WEBHOOK_SECRET: WASENDER_SECRET, QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`, WEBHOOK_BACKOFF_MS: '50' },
    });
    db = test.app.get(DataSource);
  });
  afterAll(async () => test?.close());

  itAnswers([...whatsappCases, ...wasenderCases], () => ({
    counts: async () => ({ webhook_events: Number((await db.query('SELECT count(*) AS n FROM webhook_events'))[0].n) }),
    stillServes: async () => {
      const answer = await post('/webhooks/whatsapp', json(statusUpdate(wamid(), 'sent')), metaSignature);
      expect([answer.status, answer.json]).toEqual([200, { stored: 1, duplicates: 0 }]);
    },
  }));

  it('a form value with U+0000 in a flow completion is processed, not dead-lettered', async () => {
    const { token } = await test.app.get(FlowSessions).issue('signup');
    const payload = nfmReply(token, { name: 'Ma\u0000ria' });
    expect((await post('/webhooks/whatsapp', json(payload), metaSignature)).status).toBe(200);
    const messageId = payload.entry[0].changes[0].value.messages[0].id;
    const deadline = Date.now() + 15_000;
    let row: { status: string; last_error: string | null } | undefined;
    while (Date.now() < deadline && row?.status !== 'processed' && row?.status !== 'failed') {
      await new Promise((resolve) => setTimeout(resolve, 100));
      [row] = await db.query('SELECT status, last_error FROM webhook_events WHERE dedupe_key = $1', [messageId]);
    }
    expect(row).toEqual({ status: 'processed', last_error: null });
    const [submission] = await db.query('SELECT response FROM flow_submissions WHERE message_id = $1', [messageId]);
    expect(submission.response).toEqual({ name: 'Ma\ufffdria', flow_token: token });
  });
});
