import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FlowSessions } from '../../src/flows-core/sessions/flow-sessions.service.js';
import { USER_MESSAGES } from '../../src/flows-core/routing/flow-router.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { seenErrorNotifications, TestFlowsModule } from './fixtures/test-flows.js';

const BASE64_BODY = /^[A-Za-z0-9+/]+={0,2}$/;

describe('flow data endpoint: round trips', () => {
  let test: TestApp;

  beforeAll(async () => {
    // The budget covers the session's transaction too: short, but not so short that a busy machine trips it.
    test = await startTestApp({ modules: [TestFlowsModule], env: { FLOW_RESPONSE_BUDGET_MS: '1500', FLOW_BODY_LIMIT: String(1024 * 1024) } });
    await test.client.init('echo', 'warm-up'); // the pool's first connection
  });
  afterAll(async () => test?.close());

  it('ping answers status active, encrypted as a bare base64 text/plain body with status 200', async () => {
    const reply = await test.client.ping('echo');
    expect(reply.status).toBe(200);
    expect(reply.contentType).toMatch(/^text\/plain/);
    expect(reply.text).toMatch(BASE64_BODY);
    expect(reply.text.startsWith('"')).toBe(false);
    expect(reply.json).toEqual({ data: { status: 'active' } });
  });

  it('ping needs no token, even on a flow that only accepts issued tokens', async () => {
    const reply = await test.client.ping('members');
    expect(reply.json).toEqual({ data: { status: 'active' } });
  });

  it('INIT reaches @FlowInit with the flow token', async () => {
    const reply = await test.client.init('echo', 'preview-token-1');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ screen: 'START', data: { greeting: 'Olá 👋', token_length: 15, came_back_from: '' } });
  });

  it('data_exchange reaches the @FlowScreen handler with validated data, non-ASCII and emoji intact', async () => {
    const text = 'Ação: café ☕ — 数据 / "quoted" \\ 👩‍👩‍👧';
    const reply = await test.client.dataExchange('echo', 'tok-unicode', 'START', { text });
    expect(reply.json).toEqual({ screen: 'ECHO', data: { text, length: text.length } });
  });

  it('a payload near 100 kB round-trips', async () => {
    const text = 'x'.repeat(100_000);
    const reply = await test.client.dataExchange('echo', 'tok-big', 'START', { text });
    expect(reply.status).toBe(200);
    expect(reply.json.data.length).toBe(100_000);
  });

  it('data with too many fields (top level or nested) gets a readable error screen before the DTO pipe', async () => {
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    const message = 'This form sent too many fields (more than 1000). Please go back and try again.';
    for (const data of [
      { text: 'hi', ...keys(40_000) },
      { text: 'hi', extra: keys(40_000) },
      { text: 'hi', list: Array.from({ length: 2_000 }, () => ({})) },
    ]) {
      const reply = await test.client.dataExchange('echo', 'tok-keys', 'START', data);
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ screen: 'START', data: expect.objectContaining({ error_message: message }) });
    }
    // Up to the bound, the DTO pipe decides (and strips what it does not declare).
    const within = await test.client.dataExchange('echo', 'tok-keys', 'START', { text: 'hi', ...keys(999) });
    expect(within.json).toEqual({ screen: 'ECHO', data: { text: 'hi', length: 2 } });
  });

  it('BACK reaches @FlowBack', async () => {
    const reply = await test.client.back('echo', 'tok-back', 'ECHO');
    expect(reply.json).toEqual({ screen: 'START', data: { greeting: 'Welcome back', token_length: 0, came_back_from: 'ECHO' } });
  });

  it('an error notification with error "" is acknowledged and handed to the hook', async () => {
    const before = seenErrorNotifications.length;
    const reply = await test.client.errorNotification('echo', 'tok-err', 'ECHO', '', 'Something broke on the phone');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ data: { acknowledged: true } });
    expect(seenErrorNotifications.length).toBe(before + 1);
    expect(seenErrorNotifications.at(-1)!.data).toEqual({ error: '', error_message: 'Something broke on the phone' });
  });

  it('completing a flow answers SUCCESS with the flow token in params, and the token is then refused (427)', async () => {
    const reply = await test.client.dataExchange('echo', 'tok-finish', 'FINISH', {});
    expect(reply.json).toEqual({
      screen: 'SUCCESS',
      data: { extension_message_response: { params: { order: 42, screen_was: 'FINISH', flow_token: 'tok-finish' } } },
    });
    const again = await test.client.dataExchange('echo', 'tok-finish', 'START', { text: 'hi' });
    expect(again.status).toBe(427);
    expect(again.json.error_msg).toMatch(/already completed/);
  });

  it('FlowResponse.error stays on the current screen with error_message', async () => {
    const reply = await test.client.dataExchange('echo', 'tok-stay', 'STAY', {});
    expect(reply.json).toEqual({ screen: 'STAY', data: { error_message: 'That code is not valid' } });
  });

  it('data failing the DTO answers 200 on the current screen with a readable error_message', async () => {
    const reply = await test.client.dataExchange('echo', 'tok-dto', 'QUANTITY', { quantity: 99 });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ screen: 'QUANTITY', data: { error_message: 'You can reserve at most 10 units' } });
    const wrongType = await test.client.dataExchange('echo', 'tok-dto', 'QUANTITY', { quantity: 'many' });
    expect(wrongType.json.data.error_message).toContain('Please enter a whole number of units');
  });

  it('a screen the flow does not know answers 200 on the entry screen with error_message', async () => {
    const reply = await test.client.dataExchange('echo', 'tok-unknown', 'NOWHERE', {});
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ screen: 'START', data: { error_message: USER_MESSAGES.unavailable } });
  });

  it('a known screen without a handler answers 200 on that screen, with the data it last showed', async () => {
    await test.client.dataExchange('echo', 'tok-nohandler', 'START', { text: 'hello' });
    const reply = await test.client.dataExchange('echo', 'tok-nohandler', 'ECHO', {});
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ screen: 'ECHO', data: { text: 'hello', length: 5, error_message: USER_MESSAGES.unavailable } });
  });

  it('an exception in a handler answers 200 with a readable error_message and no internals', async () => {
    const reply = await test.client.dataExchange('echo', 'tok-boom', 'BOOM', {});
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ screen: 'BOOM', data: { error_message: USER_MESSAGES.unexpected } });
  });

  it('guards apply to flow handlers as to routes', async () => {
    const reply = await test.client.dataExchange('echo', 'tok-guard', 'GUARDED', {});
    expect(reply.status).toBe(200);
    expect(reply.json.data.error_message).toBe(USER_MESSAGES.unexpected);
  });

  it('a handler past the response budget gets a "try again" answer on the current screen', async () => {
    const started = Date.now();
    const reply = await test.client.dataExchange('echo', 'tok-slow', 'SLOW', {});
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ screen: 'SLOW', data: { error_message: USER_MESSAGES.slow } });
    expect(Date.now() - started).toBeLessThan(2_900); // answered before the handler (3 s) ends
  });

  it('concurrent requests on one token never lose a session update', async () => {
    const replies = await Promise.all(Array.from({ length: 20 }, () => test.client.dataExchange('echo', 'tok-count', 'COUNT', {})));
    expect(replies.every((reply) => reply.status === 200)).toBe(true);
    // On a busy machine the last in the row lock's queue can pass the budget: those are told to try
    // again and commit nothing. Every other one counted once, in turn, and the session holds their count.
    const late = replies.filter((reply) => reply.json.data.error_message === USER_MESSAGES.slow);
    const counts = replies
      .filter((reply) => !late.includes(reply))
      .map((reply) => reply.json.data.count)
      .sort((a, b) => a - b);
    expect(counts.length).toBeGreaterThan(0);
    expect(counts).toEqual(Array.from({ length: counts.length }, (_, i) => i + 1));
    const stored = await test.app.get(FlowSessions).find('tok-count');
    expect(stored!.state).toEqual({ count: counts.length });
  });

  it('unknown flow is 404', async () => {
    const reply = await test.client.ping('nope');
    expect(reply.status).toBe(404);
  });

  it('a body that is not a JSON object is 400', async () => {
    for (const body of ['[]', '"text"', '42', '{not json', '']) {
      const reply = await test.client.post('echo', Buffer.from(body), { key: Buffer.alloc(16), iv: Buffer.alloc(16) });
      expect([body, reply.status]).toEqual([body, 400]);
    }
  });

  it('a body over FLOW_BODY_LIMIT is 413', async () => {
    const big = Buffer.from(JSON.stringify({ encrypted_flow_data: 'A'.repeat(1024 * 1024 + 10) }));
    const reply = await test.client.post('echo', big, { key: Buffer.alloc(16), iv: Buffer.alloc(16) });
    expect(reply.status).toBe(413);
  });

  it('a wrong version and an unknown action are 400', async () => {
    expect((await test.client.send('echo', { version: '2.0', action: 'ping' })).status).toBe(400);
    expect((await test.client.send('echo', { version: '3.0', action: 'dance', flow_token: 't' })).status).toBe(400);
    expect((await test.client.send('echo', { version: '3.0' })).status).toBe(400);
  });
});

describe('flow tokens (427)', () => {
  let test: TestApp;
  let sessions: FlowSessions;

  beforeAll(async () => {
    test = await startTestApp({ modules: [TestFlowsModule] });
    sessions = test.app.get(FlowSessions);
  });
  afterAll(async () => test?.close());

  it('an issued token works, with the state it was issued with', async () => {
    const { token } = await sessions.issue('members', { phone: '+15550001111', state: { plan: 'gold' } });
    const reply = await test.client.init('members', token);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ screen: 'WELCOME', data: { plan: 'gold' } });
  });

  it.each([
    ['an unknown token', 'never-issued'],
    ['an empty token', ''],
  ])('%s on an issued-token flow is 427 with an encrypted error_msg, also on INIT', async (_, token) => {
    const reply = await test.client.init('members', token);
    expect(reply.status).toBe(427);
    expect(reply.text).not.toContain('error_msg');
    expect(reply.json).toEqual({ error_msg: expect.stringMatching(/not valid/) });
  });

  it('a missing token is 427', async () => {
    const reply = await test.client.send('members', { version: '3.0', action: 'INIT' });
    expect(reply.status).toBe(427);
  });

  it('a token issued for another flow is 427', async () => {
    const { token } = await sessions.issue('echo');
    const reply = await test.client.init('members', token);
    expect(reply.status).toBe(427);
  });

  it('a completed session is 427', async () => {
    const { token } = await sessions.issue('members');
    expect((await test.client.dataExchange('members', token, 'WELCOME', {})).json.screen).toBe('SUCCESS');
    const reply = await test.client.init('members', token);
    expect(reply.status).toBe(427);
    expect(reply.json.error_msg).toMatch(/already completed/);
  });

  it('an expired session is 427', async () => {
    const { token } = await sessions.issue('members', { expiresInS: -1 });
    const reply = await test.client.init('members', token);
    expect(reply.status).toBe(427);
    expect(reply.json.error_msg).toMatch(/expired/);
    expect((await sessions.find(token))!.status).toBe('expired');
  });

  it('issued tokens are unpredictable (256 bits, URL-safe)', async () => {
    const tokens = await Promise.all(Array.from({ length: 5 }, () => sessions.issue('members')));
    for (const { token } of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(tokens.map((t) => t.token)).size).toBe(5);
  });
});
