import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { FlowSessions } from '../../src/flows-core/sessions/flow-sessions.service.js';
import { FakeGraphApi } from '../support/fake-graph-api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ADMIN_TOKEN = 'outbound-admin-token-0123456789';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

describe('admin API: flow sessions and outbound messages', () => {
  let graph: FakeGraphApi;
  let wasender: FakeGraphApi;
  let test: TestApp;

  const post = async (path: string, body: unknown, headers: Record<string, string> = auth) => {
    const response = await fetch(`${test.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
  };
  const sendBody = { to: '+351910000000', flow_id: '1234567890', cta: 'Book now', body: 'Book your next visit' };

  beforeAll(async () => {
    graph = await new FakeGraphApi().start();
    wasender = await new FakeGraphApi().start();
    wasender.defaultAnswer = () => ({ status: 200, body: { success: true, data: { msgId: 42 } } });
    test = await startTestApp({
      env: {
        ADMIN_TOKEN,
        GRAPH_API_BASE_URL: `${graph.url}/v23.0`,
        WHATSAPP_ACCESS_TOKEN: 'EAAG-test-token',
        WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
        WASENDER_API_BASE_URL: wasender.url,
        WASENDER_API_KEY: 'wasender-key',
        OUTBOUND_MAX_TOTAL_MS: '2000',
      },
    });
  });
  afterAll(async () => {
    await test?.close();
    await graph?.stop();
    await wasender?.stop();
  });
  beforeEach(() => {
    graph.reset();
    wasender.reset();
  });

  it('every admin route is 401 without the token or with a wrong one', async () => {
    const routes: Array<[string, string]> = [
      ['POST', '/admin/flows/appointments/sessions'],
      ['POST', '/admin/flows/appointments/send'],
      ['POST', '/admin/messages/text'],
      ['POST', '/admin/keys/reload'],
      ['GET', '/admin/webhooks'],
      ['POST', '/admin/webhooks/00000000-0000-4000-8000-000000000000/replay'],
      ['GET', '/admin/docs'],
      ['GET', '/admin/flows'],
      ['GET', '/admin/media?flow_token=t'],
      ['GET', '/admin/media/00000000-0000-4000-8000-000000000000'],
    ];
    for (const [method, path] of routes) {
      const variants: Array<Record<string, string>> = [
        {},
        { authorization: 'Bearer wrong-token-wrong-token' },
        { authorization: ADMIN_TOKEN },
        { authorization: 'Basic abc' },
      ];
      for (const headers of variants) {
        const response = await fetch(`${test.url}${path}`, {
          method,
          headers: { 'content-type': 'application/json', ...headers },
          body: method === 'POST' ? '{}' : undefined,
        });
        expect([method, path, JSON.stringify(headers), response.status]).toEqual([method, path, JSON.stringify(headers), 401]);
      }
    }
    expect(graph.requests).toHaveLength(0);
  });

  it('serves the OpenAPI document of the admin API, and only of it, behind the token', async () => {
    const response = await fetch(`${test.url}/admin/docs`, { headers: auth });
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, any> } };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths).sort()).toEqual([
      '/admin/docs',
      '/admin/flows',
      '/admin/flows/{flow}/send',
      '/admin/flows/{flow}/sessions',
      '/admin/keys/reload',
      '/admin/media',
      '/admin/media/{id}',
      '/admin/messages/text',
      '/admin/webhooks',
      '/admin/webhooks/{id}/replay',
    ]);
    expect(document.components.schemas.SendFlowDto.required).toEqual(expect.arrayContaining(['cta', 'body']));
    // A person is a phone number, a business-scoped user id, or both: neither is required alone.
    expect(Object.keys(document.components.schemas.SendFlowDto.properties)).toEqual(expect.arrayContaining(['to', 'user_id']));
    expect(document.components.schemas.IssueSessionDto.required ?? []).toEqual([]);
    expect(Object.keys(document.components.schemas.SendTextDto.properties)).toEqual(expect.arrayContaining(['to', 'user_id', 'text']));
  });

  it('admin bodies up to 1 MiB are read; larger ones are 413', async () => {
    const near = await post('/admin/flows/appointments/sessions', { phone: '+351910000000', padding: 'x'.repeat(1_000_000) });
    expect(near.status).toBe(400); // read and validated: padding is not a field
    const over = await post('/admin/flows/appointments/sessions', { phone: '+351910000000', padding: 'x'.repeat(1_100_000) });
    expect(over.status).toBe(413);
  });

  it('issues a flow token bound to a flow and a phone, with an expiry', async () => {
    const { status, body } = await post('/admin/flows/appointments/sessions', { phone: '+351910000000', expires_in_s: 3600 });
    expect(status).toBe(201);
    expect(body.flow_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const session = await test.app.get(FlowSessions).find(body.flow_token);
    expect(session).toMatchObject({ flow: 'appointments', phone: '+351910000000', issued: true, status: 'active' });
    expect(Math.abs(session!.expiresAt!.getTime() - Date.now() - 3600_000)).toBeLessThan(10_000);
    // The data endpoint accepts it.
    expect((await test.client.init('appointments', body.flow_token)).status).toBe(200);
  });

  it('refuses bad input with 400 and a clear message', async () => {
    const cases: Array<[unknown, string]> = [
      [{ phone: '910000000' }, 'phone must be a phone number in E.164 format'],
      [{}, 'phone must be a phone number in E.164 format, e.g. +351910000000 (or give user_id'],
      [{}, 'user_id must be a business-scoped user id, e.g. US.13491208655302741918'],
      [{ user_id: '13491208655302741918' }, 'user_id must be a business-scoped user id'],
      [{ user_id: 'US.1349 OR 1=1' }, 'user_id must be a business-scoped user id'],
      [{ phone: '+351910000000', expires_in_s: 5 }, 'expires_in_s must be at least 60'],
      [{ phone: '+351910000000', extra: 1 }, 'property extra should not exist'],
    ];
    for (const [body, message] of cases) {
      const answer = await post('/admin/flows/appointments/sessions', body);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body.message)).toContain(message);
    }
    expect((await post('/admin/flows/nope/sessions', { phone: '+351910000000' })).status).toBe(404);
  });

  it('sends a data_exchange flow message exactly in the Cloud API shape and records its id on the session', async () => {
    const { status, body } = await post('/admin/flows/appointments/send', { ...sendBody, header: 'Salon', footer: 'Reply STOP to opt out' });
    expect(status).toBe(200);
    expect(graph.requests).toHaveLength(1);
    const [request] = graph.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v23.0/106540352242922/messages');
    expect(request.headers.authorization).toBe('Bearer EAAG-test-token');
    expect(request.json).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+351910000000',
      type: 'interactive',
      interactive: {
        type: 'flow',
        header: { type: 'text', text: 'Salon' },
        body: { text: 'Book your next visit' },
        footer: { text: 'Reply STOP to opt out' },
        action: {
          name: 'flow',
          parameters: {
            flow_message_version: '3',
            flow_token: body.flow_token,
            flow_id: '1234567890',
            flow_cta: 'Book now',
            mode: 'published',
            flow_action: 'data_exchange',
          },
        },
      },
    });
    expect(body.message_id).toBe('wamid.FAKE1');
    expect((await test.app.get(FlowSessions).find(body.flow_token))!.outboundMessageId).toBe('wamid.FAKE1');
  });

  it('issues a token bound to a business-scoped user id, or to both identifiers', async () => {
    const sessions = test.app.get(FlowSessions);
    const byUserId = await post('/admin/flows/appointments/sessions', { user_id: 'US.13491208655302741918' });
    expect(byUserId.status).toBe(201);
    expect(await sessions.find(byUserId.body.flow_token)).toMatchObject({ phone: null, userId: 'US.13491208655302741918', issued: true });
    const both = await post('/admin/flows/appointments/sessions', { phone: '+351910000000', user_id: 'US.ENT.11815799212886844830' });
    expect(await sessions.find(both.body.flow_token)).toMatchObject({ phone: '+351910000000', userId: 'US.ENT.11815799212886844830' });
    expect(graph.requests).toHaveLength(0);
  });

  it('sends a flow to a business-scoped user id as recipient (no to); Meta answers with user_id, and the token is bound to it', async () => {
    const { status, body } = await post('/admin/flows/appointments/send', { ...sendBody, to: undefined, user_id: 'US.13491208655302741918' });
    expect(status).toBe(200);
    const [request] = graph.requests;
    expect(request.json).toMatchObject({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      recipient: 'US.13491208655302741918',
      type: 'interactive',
    });
    expect(request.json).not.toHaveProperty('to');
    expect(body).toEqual({
      flow_token: expect.any(String),
      message_id: 'wamid.FAKE1',
      expires_at: expect.any(String),
      user_id: 'US.13491208655302741918',
    });
    expect(await test.app.get(FlowSessions).find(body.flow_token)).toMatchObject({ phone: null, userId: 'US.13491208655302741918' });
  });

  it('with both to and user_id, both go to Meta (to wins there) and the token is bound to both', async () => {
    const { status, body } = await post('/admin/flows/appointments/send', { ...sendBody, user_id: 'US.13491208655302741918' });
    expect(status).toBe(200);
    expect(graph.requests[0].json).toMatchObject({ to: '+351910000000', recipient: 'US.13491208655302741918' });
    expect(body.wa_id).toBe('351910000000');
    expect(body.user_id).toBeUndefined();
    expect(await test.app.get(FlowSessions).find(body.flow_token)).toMatchObject({ phone: '+351910000000', userId: 'US.13491208655302741918' });
  });

  it("Meta's 131062 (a message type a BSUID cannot receive) is a readable 422 that names the fix; the token is retired", async () => {
    graph.script('/v23.0/106540352242922/messages', {
      status: 400,
      body: { error: { code: 131062, message: 'Business-scoped User ID recipients are not supported for this message. US.13491208655302741918' } },
    });
    const answer = await post('/admin/flows/appointments/send', { ...sendBody, to: undefined, user_id: 'US.13491208655302741918' });
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({
      message: 'This kind of message cannot go to a business-scoped user id (131062); send it to the phone number (to)',
      providerStatus: 400,
      code: 131062,
    });
    const [session] = await test.app
      .get(DataSource)
      .query(`SELECT status FROM flow_sessions WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1`, ['US.13491208655302741918']);
    expect(session.status).toBe('expired');
  });

  it('a trigger text to a business-scoped user id goes through the Cloud API as recipient; WASenderApi refuses it with 400', async () => {
    const viaCloud = await post('/admin/messages/text', { user_id: 'US.13491208655302741918', text: 'Hello' });
    expect(viaCloud).toEqual({ status: 200, body: { channel: 'cloud', message_id: 'wamid.FAKE1', user_id: 'US.13491208655302741918' } });
    expect(graph.requests[0].json).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      recipient: 'US.13491208655302741918',
      type: 'text',
      text: { body: 'Hello' },
    });
    const viaWasender = await post('/admin/messages/text', { user_id: 'US.13491208655302741918', text: 'Hello', channel: 'wasender' });
    expect(viaWasender.status).toBe(400);
    expect(viaWasender.body.message).toContain('WASenderApi sends to phone numbers only');
    expect(wasender.requests).toHaveLength(0);
    const neither = await post('/admin/messages/text', { text: 'Hello' });
    expect(neither.status).toBe(400);
    expect(JSON.stringify(neither.body.message)).toContain('(or give user_id');
  });

  it('sends a navigate flow message with its screen and data', async () => {
    const { status } = await post('/admin/flows/inventory/send', {
      ...sendBody,
      flow_id: undefined,
      flow_name: 'inventory_check',
      screen: 'INVENTORY',
      data: { hint: 'PROD-99' },
      mode: 'draft',
    });
    expect(status).toBe(200);
    expect(graph.requests[0].json.interactive.action.parameters).toMatchObject({
      flow_name: 'inventory_check',
      mode: 'draft',
      flow_action: 'navigate',
      flow_action_payload: { screen: 'INVENTORY', data: { hint: 'PROD-99' } },
    });
    expect(graph.requests[0].json.interactive.action.parameters.flow_id).toBeUndefined();
  });

  it.each([
    [{ ...sendBody, cta: 'A call to action that is long' }, 'cta must be 1 to 20 characters'],
    [{ ...sendBody, cta: 'Book 📅' }, 'cta cannot contain emoji'],
    [{ ...sendBody, to: '0910000000' }, 'to must be a phone number in E.164 format'],
    [{ ...sendBody, to: undefined }, 'to must be a phone number in E.164 format, e.g. +351910000000 (or give user_id'],
    [{ ...sendBody, to: undefined }, 'user_id must be a business-scoped user id'],
    [{ ...sendBody, user_id: '+351910000000' }, 'user_id must be a business-scoped user id'],
    [{ ...sendBody, flow_name: 'x' }, 'Give exactly one of flow_id and flow_name'],
    [{ ...sendBody, flow_id: undefined }, 'Give exactly one of flow_id and flow_name'],
    [{ ...sendBody, screen: 'START', data: {} }, 'data must not be empty when given'],
    [{ ...sendBody, mode: 'live' }, 'mode must be published or draft'],
  ])('send refuses invalid input with 400: %j', async (body, message) => {
    const answer = await post('/admin/flows/appointments/send', body);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body.message)).toContain(message);
    expect(graph.requests).toHaveLength(0);
  });

  it('retries 429 and 5xx with backoff, then succeeds', async () => {
    const path = '/v23.0/106540352242922/messages';
    graph.script(
      path,
      { status: 429, body: { error: { code: 130429, message: 'Rate limit hit' } }, headers: { 'retry-after': '0' } },
      { status: 503 },
      { status: 500, body: { error: { message: 'temporary' } } },
    );
    const { status } = await post('/admin/flows/appointments/send', sendBody);
    expect(status).toBe(200);
    expect(graph.requests).toHaveLength(4);
  });

  it('stops retrying within the bounded total time and answers 502 with what happened', async () => {
    const path = '/v23.0/106540352242922/messages';
    graph.script(path, ...Array.from({ length: 50 }, () => ({ status: 500, body: { error: { code: 131000, message: 'Something went wrong' } } })));
    const started = Date.now();
    const { status, body } = await post('/admin/flows/appointments/send', sendBody);
    expect(status).toBe(502);
    expect(body.message).toContain('131000');
    expect(Date.now() - started).toBeLessThan(6_000);
  });

  it.each([
    [132068, 'The flow is blocked by Meta (132068)'],
    [132069, 'The flow is throttled by Meta (132069)'],
    [131026, 'The recipient cannot receive this message (131026'],
  ])('maps Meta error %i to a readable 422', async (code, message) => {
    graph.script('/v23.0/106540352242922/messages', { status: 400, body: { error: { code, message: 'raw', type: 'OAuthException' } } });
    const answer = await post('/admin/flows/appointments/send', sendBody);
    expect(answer.status).toBe(422);
    expect(answer.body.message).toContain(message);
    expect(answer.body.code).toBe(code);
  });

  it.each([307, 302, 301, 308, 303])(
    'a %i redirect is refused, never followed: nothing reaches the other origin, the answer is 502',
    async (status) => {
      const elsewhere = await new FakeGraphApi().start();
      try {
        const path = '/v23.0/106540352242922/messages';
        graph.script(path, { status, headers: { location: `${elsewhere.url}${path}?access_token=leak` } });
        const answer = await post('/admin/flows/appointments/send', sendBody);
        expect(answer.status).toBe(502);
        expect(answer.body.message).toBe(
          `The provider answered ${status}, a redirect to ${elsewhere.url}; redirects are refused (check the provider's base URL)`,
        );
        expect(answer.body.providerStatus).toBe(status);
        expect(graph.requests).toHaveLength(1);
        expect(elsewhere.requests).toEqual([]);
      } finally {
        await elsewhere.stop();
      }
    },
  );

  it('a provider error that names the recipient is answered (and logged) with the number masked', async () => {
    graph.script('/v23.0/106540352242922/messages', {
      status: 400,
      body: { error: { code: 131999, message: 'Message undeliverable to +351910000000' } },
    });
    const answer = await post('/admin/flows/appointments/send', sendBody);
    expect(answer.status).toBe(422);
    expect(answer.body.message).toBe('The provider answered 400 (code 131999): Message undeliverable to [phone]');
  });

  it('a provider error that names a business-scoped user id is answered (and logged) with the id masked', async () => {
    graph.script('/v23.0/106540352242922/messages', {
      status: 400,
      body: { error: { code: 131998, message: 'Recipient US.13491208655302741918 (parent US.ENT.11815799212886844830) is unknown' } },
    });
    const answer = await post('/admin/flows/appointments/send', { ...sendBody, to: undefined, user_id: 'US.13491208655302741918' });
    expect(answer.status).toBe(422);
    expect(answer.body.message).toBe('The provider answered 400 (code 131998): Recipient [user-id] (parent [user-id]) is unknown');
  });

  it('a trigger text goes through WASenderApi or the Cloud API, as chosen', async () => {
    const viaWasender = await post('/admin/messages/text', { to: '+351910000000', text: 'Tap to book: ...', channel: 'wasender' });
    expect(viaWasender).toEqual({ status: 200, body: { channel: 'wasender', message_id: '42' } });
    expect(wasender.requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/send-message',
      json: { to: '+351910000000', text: 'Tap to book: ...' },
    });
    expect(wasender.requests[0].headers.authorization).toBe('Bearer wasender-key');

    const viaCloud = await post('/admin/messages/text', { to: '+351910000000', text: 'Hello' });
    expect(viaCloud.body).toEqual({ channel: 'cloud', message_id: 'wamid.FAKE1', wa_id: '351910000000' });
    expect(graph.requests[0].json).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+351910000000',
      type: 'text',
      text: { body: 'Hello' },
    });
  });

  it('WASenderApi failures are retried the same way', async () => {
    wasender.script('/api/send-message', { status: 502 }, { status: 200, body: { success: true, data: { msgId: 7 } } });
    const answer = await post('/admin/messages/text', { to: '+351910000000', text: 'x', channel: 'wasender' });
    expect(answer.body).toEqual({ channel: 'wasender', message_id: '7' });
    expect(wasender.requests).toHaveLength(2);
  });
});

describe('admin API without provider credentials', () => {
  it('answers 400 naming what to configure, never a 5xx', async () => {
    const test = await startTestApp({ env: { ADMIN_TOKEN } });
    try {
      const send = await fetch(`${test.url}/admin/flows/appointments/send`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ to: '+351910000000', flow_id: '1', cta: 'Go', body: 'Hi' }),
      });
      expect(send.status).toBe(400);
      expect(((await send.json()) as { message: string }).message).toBe(
        'Sending through the Cloud API needs WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID',
      );
      const text = await fetch(`${test.url}/admin/messages/text`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ to: '+351910000000', text: 'x', channel: 'wasender' }),
      });
      expect(text.status).toBe(400);
    } finally {
      await test.close();
    }
  });

  it('without ADMIN_TOKEN the admin API does not exist (404)', async () => {
    const test = await startTestApp();
    try {
      const response = await fetch(`${test.url}/admin/flows/appointments/sessions`, { method: 'POST', headers: auth, body: '{}' });
      expect(response.status).toBe(404);
    } finally {
      await test.close();
    }
  });
});
