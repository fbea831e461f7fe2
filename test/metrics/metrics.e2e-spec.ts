import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signBody } from '../../src/hub-signature/index.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { nfmReply } from '../webhooks/fixtures.js';

const METRICS_TOKEN = 'metrics-token-0123456789';

describe('GET /metrics', () => {
  let test: TestApp;
  const scrape = async (token: string | null = METRICS_TOKEN) => {
    const response = await fetch(`${test.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };

  beforeAll(async () => {
    test = await startTestApp({ env: { DEMO_DATA: 'true', METRICS_TOKEN } });
    const token = 'secret-flow-token-abc123';
    await test.client.dataExchange('inventory', token, 'INVENTORY', { product_id: 'PROD-99' });
    await test.client.dataExchange('inventory', token, 'INVENTORY', { product_id: 'PROD-99' });
    await test.client.ping('inventory', { signWith: null });
    await test.client.ping('inventory', { oaepHash: 'sha1' });
    await test.client.errorNotification('inventory', token, 'INVENTORY', 'payload-schema-error', 'bad data');
    const body = Buffer.from(JSON.stringify(nfmReply(token, { phone_was: '+351910000000' })));
    await fetch(`${test.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, test.appSecret) },
      body,
    });
  });
  afterAll(async () => test?.close());

  it('needs METRICS_TOKEN when it is set', async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape('wrong-token-wrong-token')).status).toBe(401);
    const ok = await scrape();
    expect(ok.status).toBe(200);
    expect(ok.type).toMatch(/^text\/plain/);
  });

  it('exposes the data endpoint, webhook, cache and process families', async () => {
    const { text } = await scrape();
    expect(text).toMatch(/flowgate_flow_requests_total\{flow="inventory",screen="INVENTORY",action="data_exchange",outcome="ok"\} 2/);
    expect(text).toMatch(/flowgate_flow_requests_total\{flow="inventory",screen="",action="",outcome="432"\} 1/);
    // fetch (undici) retries a 421 Misdirected Request once on a new connection, as HTTP allows: 1 or 2 requests.
    expect(text).toMatch(/flowgate_flow_requests_total\{flow="inventory",screen="",action="",outcome="421"\} [12]\n/);
    expect(text).toMatch(/flowgate_flow_decryption_failures_total\{reason="key"\} [12]\n/);
    expect(text).toMatch(/flowgate_flow_client_errors_total\{flow="inventory",error="payload-schema-error"\} 1/);
    expect(text).toMatch(/flowgate_flow_requests_by_key_total\{key="sha256:[0-9a-f]{16}"\} [1-9]/);
    // Decryption time by key: counted once per decrypted request (the refused ones never opened an envelope).
    const byKey = Number(/flowgate_flow_requests_by_key_total\{key="(sha256:[0-9a-f]{16})"\} (\d+)/.exec(text)![2]);
    expect(text).toMatch(new RegExp(`flowgate_flow_decryption_duration_seconds_count\\{key="sha256:[0-9a-f]{16}"\\} ${byKey}\n`));
    expect(text).toMatch(/flowgate_flow_decryption_duration_seconds_bucket\{le="0.0005",key="sha256:[0-9a-f]{16}"\} \d+/);
    // Per screen, with a bucket at each of Meta's p90 thresholds (1 s, 5 s, 7 s) and its 10 s timeout.
    for (const le of ['1', '5', '7', '10', '+Inf']) {
      const bucket = `flowgate_flow_request_duration_seconds_bucket{le="${le}",flow="inventory",screen="INVENTORY",action="data_exchange",outcome="ok"} 2\n`;
      expect(text).toContain(bucket);
    }
    expect(text).toMatch(/flowgate_flow_handler_duration_seconds_count\{flow="inventory"\} 2/);
    expect(text).toMatch(/^flowgate_webhook_backlog\{state="waiting"\} \d+$/m);
    expect(text).toMatch(/^flowgate_webhook_backlog\{state="dead_lettered"\} 0$/m);
    // The first lookup missed the cache: its queries are timed under the flow that ran them.
    expect(text).toMatch(/flowgate_db_query_duration_seconds_count\{flow="inventory",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/flowgate_db_query_duration_seconds_count\{flow="-",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/flowgate_cache_requests_total\{result="miss"\} 1/);
    expect(text).toMatch(/flowgate_cache_requests_total\{result="hit"\} 1/);
    expect(text).toMatch(/flowgate_webhook_events_total\{source="whatsapp",kind="message",stage="received"\} 1/);
    expect(text).toMatch(/flowgate_webhook_provider_lag_seconds_count\{source="whatsapp"\} 1/);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('no label carries a token, a phone number or a payload', async () => {
    const { text } = await scrape();
    expect(text).not.toContain('secret-flow-token');
    expect(text).not.toContain('351910000000');
    expect(text).not.toContain('PROD-99');
  });
});
