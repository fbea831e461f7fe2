import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FlowSessions } from '../../src/flows-core/sessions/flow-sessions.service.js';
import { signBody } from '../../src/hub-signature/index.js';
import { eventually } from '../support/eventually.js';
import { FakeGraphApi } from '../support/fake-graph-api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { completions, MARIA, nfmReply, SignupFlowModule, statusUpdate, SurveyFlowModule, USERNAME_USER } from './fixtures.js';

const ADMIN_TOKEN = 'bsuid-admin-token-0123456789';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

/**
 * Business-scoped user ids (WhatsApp usernames) through the webhooks: completions identified by
 * phone number, BSUID or both, checked against the person the token was issued to, and completions of
 * flows without a data endpoint found by the message they answer. Payloads follow Meta's
 * "Business-scoped user IDs" page (test/kit/whatsapp-notifications.ts).
 */
describe('webhooks with business-scoped user ids', () => {
  let test: TestApp;
  let graph: FakeGraphApi;
  let db: DataSource;
  let sessions: FlowSessions;

  const post = async (body: unknown) => {
    const bytes = Buffer.from(JSON.stringify(body));
    const response = await fetch(`${test.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(bytes, test.appSecret) },
      body: bytes,
    });
    expect(response.status).toBe(200);
  };
  const messageIdOf = (payload: ReturnType<typeof nfmReply>) => payload.entry[0].changes[0].value.messages[0].id;
  const processed = (dedupeKey: string) =>
    eventually(
      async () => (await db.query('SELECT status FROM webhook_events WHERE dedupe_key = $1', [dedupeKey]))[0]?.status,
      (status) => status === 'processed',
    );
  const submission = async (messageId: string) =>
    (await db.query('SELECT flow, flow_token, phone, user_id, refusal FROM flow_submissions WHERE message_id = $1', [messageId]))[0];
  const metrics = async () => (await fetch(`${test.url}/metrics`)).text();

  beforeAll(async () => {
    graph = await new FakeGraphApi().start();
    test = await startTestApp({
      modules: [SignupFlowModule, SurveyFlowModule],
      env: {
        QUEUE_BACKEND: 'postgres',
        ADMIN_TOKEN,
        GRAPH_API_BASE_URL: `${graph.url}/v23.0`,
        WHATSAPP_ACCESS_TOKEN: 'EAAG-test-token',
        WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
        WEBHOOK_BACKOFF_MS: '50',
      },
    });
    db = test.app.get(DataSource);
    sessions = test.app.get(FlowSessions);
  });
  afterAll(async () => {
    await test?.close();
    await graph?.stop();
  });
  beforeEach(() => {
    completions.calls.length = 0;
    completions.events.length = 0;
    graph.reset();
  });

  it('a completion with user_id and no from completes a token issued to that user id: later requests get 427, the handler gets the id and the username', async () => {
    const { token } = await sessions.issue('signup', { userId: USERNAME_USER.userId });
    const payload = nfmReply(token, { plan: 'gold' }, undefined, { sender: USERNAME_USER });
    const message = payload.entry[0].changes[0].value.messages[0];
    expect(message).not.toHaveProperty('from');
    expect(payload.entry[0].changes[0].value.contacts[0]).toEqual({
      profile: { name: 'Sam', username: 'sam.rivers' },
      user_id: USERNAME_USER.userId,
    });
    await post(payload);
    await processed(messageIdOf(payload));

    expect(completions.events).toEqual([
      {
        response: { plan: 'gold', flow_token: token },
        flowToken: token,
        phone: undefined,
        userId: USERNAME_USER.userId,
        parentUserId: undefined,
        username: 'sam.rivers',
        messageId: messageIdOf(payload),
      },
    ]);
    expect(await submission(messageIdOf(payload))).toEqual({
      flow: 'signup',
      flow_token: token,
      phone: null,
      user_id: USERNAME_USER.userId,
      refusal: null,
    });
    expect((await sessions.find(token))!.status).toBe('completed');
    expect((await test.client.dataExchange('signup', token, 'WELCOME', {})).status).toBe(427);
  });

  it('a completion with from and from_user_id completes a token issued to the phone; the handler gets both, the session learns the user id', async () => {
    const { token } = await sessions.issue('signup', { phone: '+351910000000' });
    const payload = nfmReply(token, { plan: 'basic' });
    await post(payload);
    await processed(messageIdOf(payload));
    expect(completions.events).toEqual([
      expect.objectContaining({ flowToken: token, phone: '+351910000000', userId: MARIA.userId, username: undefined }),
    ]);
    expect(await sessions.find(token)).toMatchObject({ status: 'completed', phone: '+351910000000', userId: MARIA.userId });
  });

  it('a token issued to a parent BSUID is completed by a user of the linked portfolio that carries it', async () => {
    const parent = 'US.ENT.11815799212886844830';
    const { token } = await sessions.issue('signup', { userId: parent });
    const payload = nfmReply(token, { plan: 'basic' }, undefined, { sender: { ...USERNAME_USER, parentUserId: parent } });
    expect(payload.entry[0].changes[0].value.messages[0]).toMatchObject({ from_user_id: USERNAME_USER.userId, from_parent_user_id: parent });
    await post(payload);
    await processed(messageIdOf(payload));
    expect(completions.events).toEqual([expect.objectContaining({ userId: USERNAME_USER.userId, parentUserId: parent })]);
    expect((await sessions.find(token))!.status).toBe('completed');
  });

  it('a token issued to nobody is completed by whoever sends it, and learns who that was', async () => {
    const { token } = await sessions.issue('signup');
    const payload = nfmReply(token, { plan: 'basic' }, undefined, { sender: USERNAME_USER });
    await post(payload);
    await processed(messageIdOf(payload));
    expect(completions.calls).toHaveLength(1);
    expect(await sessions.find(token)).toMatchObject({ status: 'completed', phone: null, userId: USERNAME_USER.userId });
  });

  describe('a completion not from the person the token was issued to', () => {
    const cases: Array<[string, { phone?: string; userId?: string }, Parameters<typeof nfmReply>[3], string]> = [
      ['another phone number', { phone: '+351910000999' }, { sender: MARIA }, 'identity_mismatch'],
      ['another user id', { userId: 'US.99999999999999999999' }, { sender: USERNAME_USER }, 'identity_mismatch'],
      [
        'the same phone number with another user id (a number that changed hands)',
        { phone: '+351910000000', userId: 'PT.777' },
        { sender: MARIA },
        'identity_mismatch',
      ],
      ['only a user id, for a token issued to a phone number', { phone: '+351910000000' }, { sender: USERNAME_USER }, 'identity_unverifiable'],
    ];

    it.each(cases)(
      '%s: stored with its refusal, the session stays open, no handler runs, one log line without identifiers, counted',
      async (_, issuedTo, options, refusal) => {
        const warnings = jest.spyOn(Logger.prototype, 'warn');
        try {
          const { token } = await sessions.issue('signup', issuedTo);
          const payload = nfmReply(token, { plan: 'gold' }, undefined, options);
          await post(payload);
          await processed(messageIdOf(payload));
          const stored = await submission(messageIdOf(payload));
          expect(stored).toMatchObject({ flow: 'signup', flow_token: token, refusal });
          expect(completions.calls).toEqual([]);
          expect((await sessions.find(token))!.status).toBe('active');
          expect((await test.client.init('signup', token)).status).not.toBe(427);

          const lines = warnings.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('Flow completion'));
          expect(lines).toHaveLength(1);
          expect(lines[0]).toContain(`refusal ${refusal}`);
          for (const secret of [token, messageIdOf(payload), '351910000', 'PT.', 'US.', 'sam.rivers', 'Maria', 'Sam'])
            expect(lines[0]).not.toContain(secret);
          expect(await metrics()).toMatch(new RegExp(`flowgate_flow_completions_total\\{flow="signup",outcome="${refusal}"\\} [1-9]`));
        } finally {
          warnings.mockRestore();
        }
      },
    );
  });

  it('a flow without a data endpoint: its completion names no token, and finds its session by the message it answers; its handler runs once', async () => {
    const sent = await fetch(`${test.url}/admin/flows/survey/send`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ user_id: USERNAME_USER.userId, flow_id: '1234567890', cta: 'Rate us', body: 'How was your visit?', screen: 'RATE' }),
    });
    expect(sent.status).toBe(200);
    const { flow_token: token, message_id: messageId } = (await sent.json()) as { flow_token: string; message_id: string };
    expect(graph.requests[0].json).toMatchObject({ recipient: USERNAME_USER.userId });
    expect(graph.requests[0].json).not.toHaveProperty('to');

    const payload = nfmReply(token, { rating: 'good' }, undefined, { sender: USERNAME_USER, contextId: messageId, withoutToken: true });
    expect(JSON.parse(payload.entry[0].changes[0].value.messages[0].interactive.nfm_reply.response_json)).toEqual({ rating: 'good' });
    for (let i = 0; i < 3; i++) await post(payload);
    await processed(messageIdOf(payload));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(completions.events).toEqual([expect.objectContaining({ flowToken: token, response: { rating: 'good' }, userId: USERNAME_USER.userId })]);
    expect(await submission(messageIdOf(payload))).toMatchObject({ flow: 'survey', flow_token: token, refusal: null });
    expect((await sessions.find(token))!.status).toBe('completed');

    // A completion answering a message nobody recorded is stored without a flow, as before.
    const stray = nfmReply('', { rating: 'bad' }, undefined, { contextId: 'wamid.UNKNOWN', withoutToken: true });
    await post(stray);
    await processed(messageIdOf(stray));
    expect(await submission(messageIdOf(stray))).toMatchObject({ flow: null, flow_token: null });
    expect(completions.calls).toHaveLength(1);
  });

  it('statuses of a message sent to a BSUID have no recipient_id: the recipient user id is recorded', async () => {
    const id = `wamid.BSUID${Date.now()}`;
    await post(statusUpdate(id, 'delivered', { recipient: USERNAME_USER, sentToUserId: true }));
    const phoneId = `wamid.PHONE${Date.now()}`;
    await post(statusUpdate(phoneId, 'read'));
    await processed(`${id}:delivered`);
    await processed(`${phoneId}:read`);
    const rows = await db.query(
      'SELECT message_id, recipient, recipient_user_id FROM message_statuses WHERE message_id IN ($1, $2) ORDER BY message_id',
      [id, phoneId],
    );
    expect(rows).toEqual([
      { message_id: id, recipient: null, recipient_user_id: USERNAME_USER.userId },
      { message_id: phoneId, recipient: MARIA.phone, recipient_user_id: MARIA.userId },
    ]);
  });

  it('metrics carry no phone number, BSUID, username or token', async () => {
    const text = await metrics();
    for (const secret of ['351910000', USERNAME_USER.userId, MARIA.userId, 'sam.rivers', 'US.ENT']) expect(text).not.toContain(secret);
  });
});
