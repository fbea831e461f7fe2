import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FlowSessions } from '../../src/flows-core/sessions/flow-sessions.service.js';
import { signBody } from '../../src/hub-signature/index.js';
import { WebhookReconciler } from '../../src/webhooks/processing/webhook-reconciler.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { completions, flowsAlert, nfmReply, SignupFlowModule, statusUpdate } from './fixtures.js';

const VERIFY_TOKEN = 'verify-me-please';
const WASENDER_SECRET = 'wasender-secret-123';
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

const backends: Array<[string, Record<string, string | undefined>]> = [['postgres', { QUEUE_BACKEND: 'postgres' }]];
if (process.env.REDIS_URL) backends.push(['redis', { QUEUE_BACKEND: 'redis' }]);

async function eventually<T>(fn: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await fn();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await fn();
  }
  return value;
}

describe.each(backends)('webhooks (queue on %s)', (_, backendEnv) => {
  let test: TestApp;
  let db: DataSource;
  let sessions: FlowSessions;

  const post = (body: unknown, options: { secret?: string | null; raw?: Buffer } = {}) => {
    const bytes = options.raw ?? Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const secret = options.secret === undefined ? test.appSecret : options.secret;
    if (secret !== null) headers['x-hub-signature-256'] = signBody(bytes, secret);
    return fetch(`${test.url}/webhooks/whatsapp`, { method: 'POST', headers, body: bytes });
  };
  const event = async (dedupeKey: string) =>
    (await db.query('SELECT id, status, attempts, last_error FROM webhook_events WHERE dedupe_key = $1', [dedupeKey]))[0];
  const processed = (dedupeKey: string) =>
    eventually(
      () => event(dedupeKey),
      (row) => row?.status === 'processed',
    );
  const messageIdOf = (payload: ReturnType<typeof nfmReply>) => payload.entry[0].changes[0].value.messages[0].id;

  beforeAll(async () => {
    test = await startTestApp({
      modules: [SignupFlowModule],
      env: {
        ...backendEnv,
        QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`,
        WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
        WASENDER_WEBHOOK_SECRET: WASENDER_SECRET,
        ADMIN_TOKEN,
        WEBHOOK_MAX_ATTEMPTS: '3',
        WEBHOOK_BACKOFF_MS: '50',
      },
    });
    db = test.app.get(DataSource);
    sessions = test.app.get(FlowSessions);
  });
  afterAll(async () => test?.close());
  beforeEach(() => {
    completions.calls.length = 0;
    completions.failuresLeft = 0;
  });

  describe('verification (GET)', () => {
    const verify = (query: string) => fetch(`${test.url}/webhooks/whatsapp?${query}`);

    it('answers the challenge as a plain body', async () => {
      const response = await verify(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toBe('1158201444');
    });

    it.each([
      ['a wrong token', `hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`],
      ['no token', `hub.mode=subscribe&hub.challenge=1`],
      ['no challenge', `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}`],
      ['another mode', `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`],
      ['a repeated token', `hub.mode=subscribe&hub.verify_token=nope&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`],
      ['a repeated challenge', `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1&hub.challenge=2`],
      ['nothing', ''],
    ])('refuses %s with 403', async (_, query) => {
      expect((await verify(query)).status).toBe(403);
    });
  });

  describe('intake (POST)', () => {
    it('unsigned or mis-signed posts are 401 and store nothing', async () => {
      const payload = nfmReply('tok', { a: 1 });
      expect((await post(payload, { secret: null })).status).toBe(401);
      expect((await post(payload, { secret: 'another-secret' })).status).toBe(401);
      const bytes = Buffer.from(JSON.stringify(payload));
      const altered = Buffer.from(JSON.stringify({ ...payload, object: 'x' }));
      const response = await fetch(`${test.url}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(bytes, test.appSecret) },
        body: altered,
      });
      expect(response.status).toBe(401);
      expect(await event(messageIdOf(payload))).toBeUndefined();
    });

    it('accepts a body near 3 MB and refuses one over 3.5 MiB with 413', async () => {
      const payload = { ...statusUpdate(`wamid.BIG${Date.now()}`, 'sent'), padding: 'x'.repeat(3_000_000) };
      expect((await post(payload)).status).toBe(200);
      const tooBig = { padding: 'x'.repeat(3.6 * 1024 * 1024) };
      expect((await post(tooBig)).status).toBe(413);
    });

    it('a body that is not a JSON object is 400', async () => {
      expect((await post(null, { raw: Buffer.from('[1,2]') })).status).toBe(400);
      expect((await post(null, { raw: Buffer.from('{oops') })).status).toBe(400);
    });
  });

  describe('nfm_reply', () => {
    it('completes the session, stores the submission and calls @FlowCompletion once', async () => {
      const { token } = await sessions.issue('signup', { phone: '+351910000000' });
      const payload = nfmReply(token, { plan: 'gold', newsletter: true });
      const response = await post(payload);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ stored: 1, duplicates: 0 });

      await processed(messageIdOf(payload));
      const [submission] = await db.query('SELECT flow, flow_token, phone, message_id, response FROM flow_submissions WHERE flow_token = $1', [
        token,
      ]);
      expect(submission).toEqual({
        flow: 'signup',
        flow_token: token,
        phone: '351910000000',
        message_id: messageIdOf(payload),
        response: { plan: 'gold', newsletter: true, flow_token: token },
      });
      expect((await sessions.find(token))!.status).toBe('completed');
      expect(completions.calls).toEqual([{ token, response: { plan: 'gold', newsletter: true, flow_token: token } }]);
      // @FlowCompletion wrote its own session (session.set) through the completion's transaction.
      expect((await sessions.find(token))!.state).toEqual({ completed_by: messageIdOf(payload), plan: 'gold' });
      // From now on the data endpoint refuses the token.
      expect((await test.client.dataExchange('signup', token, 'WELCOME', {})).status).toBe(427);
    });

    it('the same message delivered 5 times, then 5 times at once: one submission, one handler call', async () => {
      const { token } = await sessions.issue('signup');
      const payload = nfmReply(token, { plan: 'basic' });
      for (let i = 0; i < 5; i++) expect((await post(payload)).status).toBe(200);
      const concurrent = await Promise.all(Array.from({ length: 5 }, () => post(payload)));
      expect(concurrent.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      await processed(messageIdOf(payload));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const [{ count }] = await db.query('SELECT count(*)::int AS count FROM flow_submissions WHERE flow_token = $1', [token]);
      expect(count).toBe(1);
      const [{ events }] = await db.query('SELECT count(*)::int AS events FROM webhook_events WHERE dedupe_key = $1', [messageIdOf(payload)]);
      expect(events).toBe(1);
      expect(completions.calls).toHaveLength(1);
    });

    it('a failing handler is retried until it succeeds', async () => {
      const { token } = await sessions.issue('signup');
      completions.failuresLeft = 1;
      const payload = nfmReply(token, { plan: 'basic' });
      await post(payload);
      const row = await processed(messageIdOf(payload));
      expect(row.attempts).toBe(2);
      expect(completions.calls).toHaveLength(1);
    });

    it('a handler that keeps failing dead-letters the event; it is listed, and replay processes it', async () => {
      const { token } = await sessions.issue('signup');
      completions.failuresLeft = 99;
      const payload = nfmReply(token, { plan: 'basic' });
      await post(payload);
      const dead = await eventually(
        () => event(messageIdOf(payload)),
        (row) => row?.status === 'failed',
      );
      expect(dead).toMatchObject({ status: 'failed', attempts: 3, last_error: 'CRM is down' });
      expect((await sessions.find(token))!.status).toBe('active'); // the failed attempts were rolled back

      const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
      const listed = (await (await fetch(`${test.url}/admin/webhooks?status=failed`, { headers: auth })).json()) as { events: Array<{ id: string }> };
      expect(listed.events.map((e) => e.id)).toContain(dead.id);

      completions.failuresLeft = 0;
      const replay = await fetch(`${test.url}/admin/webhooks/${dead.id}/replay`, { method: 'POST', headers: auth });
      expect(replay.status).toBe(202);
      await processed(messageIdOf(payload));
      expect(completions.calls).toHaveLength(1);
      expect((await sessions.find(token))!.status).toBe('completed');
    });

    it('malformed response_json fails at once with a clear last_error, no crash', async () => {
      const payload = nfmReply('whatever', '{"flow_token": "x", oops');
      expect((await post(payload)).status).toBe(200);
      const dead = await eventually(
        () => event(messageIdOf(payload)),
        (row) => row?.status === 'failed',
      );
      expect(dead.attempts).toBe(1);
      expect(dead.last_error).toMatch(/response_json of message .* is not valid JSON/);
      expect((await fetch(`${test.url}/health/live`)).status).toBe(200);
    });
  });

  describe('admin replay', () => {
    it('needs the admin token and a real event id', async () => {
      const id = '00000000-0000-4000-8000-000000000000';
      expect((await fetch(`${test.url}/admin/webhooks/${id}/replay`, { method: 'POST' })).status).toBe(401);
      const wrong = { authorization: 'Bearer not-the-token-at-all-123' };
      expect((await fetch(`${test.url}/admin/webhooks/${id}/replay`, { method: 'POST', headers: wrong })).status).toBe(401);
      const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
      expect((await fetch(`${test.url}/admin/webhooks/${id}/replay`, { method: 'POST', headers: auth })).status).toBe(404);
      expect((await fetch(`${test.url}/admin/webhooks/not-a-uuid/replay`, { method: 'POST', headers: auth })).status).toBe(400);
    });
  });

  describe('crash safety and other events', () => {
    it('an event stored but never queued is picked up by the reconciler', async () => {
      const { token } = await sessions.issue('signup');
      const payload = nfmReply(token, { plan: 'lost' });
      const message = payload.entry[0].changes[0].value.messages[0];
      // As if the process died between the insert and the enqueue.
      await db.query(`INSERT INTO webhook_events (source, kind, dedupe_key, payload) VALUES ('whatsapp', 'message', $1, $2)`, [
        message.id,
        JSON.stringify({ message }),
      ]);
      expect(await test.app.get(WebhookReconciler).reconcile(0)).toBeGreaterThanOrEqual(1);
      await processed(message.id);
      expect(completions.calls.map((c) => c.token)).toEqual([token]);
    });

    it('message statuses are recorded once each', async () => {
      const id = `wamid.STATUS${Date.now()}`;
      for (const status of ['sent', 'delivered', 'read', 'read']) expect((await post(statusUpdate(id, status))).status).toBe(200);
      await processed(`${id}:read`);
      const rows = await db.query('SELECT status FROM message_statuses WHERE message_id = $1 ORDER BY status', [id]);
      expect(rows.map((r: { status: string }) => r.status)).toEqual(['delivered', 'read', 'sent']);
    });

    it('flows alerts are stored and logged at error level', async () => {
      const errors = jest.spyOn(Logger.prototype, 'error');
      try {
        const body = flowsAlert('ENDPOINT_LATENCY', 'ACTIVATED');
        expect((await post(body)).status).toBe(200);
        await eventually(
          async () => errors.mock.calls.map((call: unknown[]) => String(call[0])).join('\n'),
          (text) => text.includes('WhatsApp Flows alert ENDPOINT_LATENCY ACTIVATED for flow 1234567890'),
        );
        // The alert is logged inside the transaction that marks it processed: the commit follows.
        const count = await eventually(
          async () =>
            (await db.query(`SELECT count(*)::int AS count FROM webhook_events WHERE kind = 'flows_alert' AND status = 'processed'`))[0]
              .count as number,
          (processedAlerts) => processedAlerts >= 1,
        );
        expect(count).toBeGreaterThanOrEqual(1);
      } finally {
        errors.mockRestore();
      }
    });

    it('WASenderApi: the shared secret is required; events are deduplicated on the message id', async () => {
      const body = {
        event: 'messages.received',
        timestamp: Math.floor(Date.now() / 1000) - 2,
        data: { messages: { key: { id: `WA${Date.now()}`, remoteJid: '351910000000@s.whatsapp.net' }, message: { conversation: 'start' } } },
      };
      const send = (secret?: string) =>
        fetch(`${test.url}/webhooks/wasender`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(secret ? { 'x-webhook-signature': secret } : {}) },
          body: JSON.stringify(body),
        });
      expect((await send()).status).toBe(401);
      expect((await send('wrong')).status).toBe(401);
      expect(await (await send(WASENDER_SECRET)).json()).toEqual({ stored: 1, duplicates: 0 });
      expect(await (await send(WASENDER_SECRET)).json()).toEqual({ stored: 0, duplicates: 1 });
      await processed(body.data.messages.key.id);
    });

    it('ready health reports the queue with its backlog and dead letters', async () => {
      const ready = (await (await fetch(`${test.url}/health/ready`)).json()) as { details: { queue: Record<string, unknown> } };
      expect(ready.details.queue).toEqual({ status: 'up', backlog: expect.any(Number), active: expect.any(Number), deadLetters: expect.any(Number) });
      expect(ready.details.queue.deadLetters).toBeGreaterThanOrEqual(1);
    });
  });
});
