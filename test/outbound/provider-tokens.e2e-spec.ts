import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GraphApiClient, GraphApiError } from '../../src/graph-api/index.js';
import { FakeGraphApi, type RecordedRequest } from '../support/fake-graph-api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ADMIN_TOKEN = 'tokens-admin-token-0123456789';
// Shaped like Meta's system user tokens, and like a WASenderApi key (no shape at all).
const ACCESS_TOKEN = 'EAAGm0PX4ZCpsBAO7ZBZAqZCZCd1ZA8uZBgZBe5ZAPxZBqR3tZAZC9ZAh0dD7ZBK2Z';
const WASENDER_KEY = 'wsk_6f1c9a0e4b7d2c85aa31';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

/** What a proxy that echoes the request's headers answers: the Authorization header, quoted back. */
const echoInJson = (request: RecordedRequest) => ({
  status: 400,
  body: { error: { code: 131999, message: `Rejected request with Authorization: ${String(request.headers.authorization)}` } },
});
const echoAsText = (request: RecordedRequest) => ({
  status: 403,
  text: `<html><body>Forbidden. Request headers: authorization=${String(request.headers.authorization)}; ${request.path}?access_token=${ACCESS_TOKEN.slice(3)}x</body></html>`,
});

describe('access tokens quoted back by a provider or a proxy', () => {
  let graph: FakeGraphApi;
  let wasender: FakeGraphApi;
  let test: TestApp;

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${test.url}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
    return { status: response.status, text: await response.text() };
  };
  const expectNoToken = (text: string) => {
    expect(text).not.toContain(ACCESS_TOKEN);
    expect(text).not.toContain(WASENDER_KEY);
    // Not even a long piece of one (a phone-number mask cutting its digits out would leave the rest).
    for (const secret of [ACCESS_TOKEN, WASENDER_KEY]) {
      for (let start = 0; start + 10 <= secret.length; start++) expect(text).not.toContain(secret.slice(start, start + 10));
    }
  };

  beforeAll(async () => {
    graph = await new FakeGraphApi().start();
    wasender = await new FakeGraphApi().start();
    test = await startTestApp({
      env: {
        ADMIN_TOKEN,
        GRAPH_API_BASE_URL: `${graph.url}/v23.0`,
        WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
        WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
        WASENDER_API_BASE_URL: wasender.url,
        WASENDER_API_KEY: WASENDER_KEY,
        OUTBOUND_MAX_TOTAL_MS: '1000',
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

  it('the fake really echoes the token: the request carried it', async () => {
    graph.defaultAnswer = echoInJson;
    await post('/admin/messages/text', { to: '+351910000000', text: 'Open the flow', channel: 'cloud' });
    expect(graph.requests[0].headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
  });

  it.each([
    ['in a Graph error message', echoInJson],
    ['in a proxy page', echoAsText],
  ])('the Graph client error masks it %s', async (_, answer) => {
    graph.defaultAnswer = answer as never;
    const client = new GraphApiClient({ baseUrl: `${graph.url}/v23.0`, accessToken: ACCESS_TOKEN, maxTotalMs: 1_000 });
    const error = (await client.request('GET', '123/flows').catch((thrown: unknown) => thrown)) as GraphApiError;
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error.message).toContain('[token]');
    expectNoToken(error.message);
    expectNoToken(JSON.stringify(error.provider));
  });

  it('admin answers of a flow send and a Cloud API text do not quote it', async () => {
    for (const answer of [echoInJson, echoAsText]) {
      graph.defaultAnswer = answer as never;
      const sent = await post('/admin/flows/appointments/send', { to: '+351910000000', flow_id: '1234567890', cta: 'Open', body: 'Open the flow' });
      expect([sent.status, sent.text]).toEqual([expect.any(Number), expect.stringContaining('[token]')]);
      expect(sent.status).toBeGreaterThanOrEqual(400);
      expectNoToken(sent.text);
      const text = await post('/admin/messages/text', { to: '+351910000000', text: 'Open the flow', channel: 'cloud' });
      expect(text.text).toContain('[token]');
      expectNoToken(text.text);
    }
  });

  it('an admin answer of a WASenderApi send does not quote its key', async () => {
    wasender.defaultAnswer = (request) => ({
      status: 401,
      body: { success: false, message: `Invalid API key ${String(request.headers.authorization)}` },
    });
    const sent = await post('/admin/messages/text', { to: '+351910000000', text: 'Open the flow', channel: 'wasender' });
    expect(wasender.requests[0].headers.authorization).toBe(`Bearer ${WASENDER_KEY}`);
    expect(sent.status).toBe(422);
    expect(sent.text).toContain('[token]');
    expectNoToken(sent.text);
  });
});
