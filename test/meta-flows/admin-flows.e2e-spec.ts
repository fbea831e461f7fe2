import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeGraphApi } from '../support/fake-graph-api.js';
import { PROJECT_ROOT } from '../support/server-process.js';
import { registeredFlowNames } from '../support/registered-flows.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ADMIN_TOKEN = 'flows-admin-token-0123456789';
const WABA_ID = '102290129340398';
const ACCESS_TOKEN = 'EAAG-admin-flows-token';
const PUBLIC_URL = 'https://flowgate.example.test';
const jsonOf = (flow: string) => readFileSync(join(PROJECT_ROOT, `src/flows/${flow}/${flow}.flow.json`), 'utf8');

describe('GET /admin/flows', () => {
  let fake: FakeGraphApi;
  let test: TestApp;
  const get = (headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}` }) => fetch(`${test.url}/admin/flows`, { headers });

  beforeAll(async () => {
    fake = await new FakeGraphApi().start();
    test = await startTestApp({
      env: { ADMIN_TOKEN, GRAPH_API_BASE_URL: fake.url, WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN, WHATSAPP_BUSINESS_ACCOUNT_ID: WABA_ID, PUBLIC_URL },
    });
  });
  afterAll(async () => {
    await test?.close();
    await fake?.stop();
  });

  it('shows each flow module beside Meta’s copy: drift, endpoint, errors, health; and flows no module owns', async () => {
    const meta = fake.enableFlows({ wabaId: WABA_ID, accessToken: ACCESS_TOKEN, pageSize: 1 });
    meta.add({ name: 'inventory', status: 'PUBLISHED', endpoint_uri: `${PUBLIC_URL}/flows/inventory`, json: jsonOf('inventory') });
    meta.add({
      name: 'appointments',
      endpoint_uri: 'https://elsewhere.example.test/x',
      json: '{"version":"6.0","screens":[]}',
      can_send_message: 'BLOCKED',
    });
    meta.add({ name: 'legacy survey', status: 'DEPRECATED' });

    expect((await get({})).status).toBe(401);
    const response = await get();
    expect(response.status).toBe(200);
    const { flows } = (await response.json()) as { flows: Array<Record<string, unknown>> };
    // Local modules in the order Nest discovered them (every registered one), then the flows no module owns.
    expect(flows.map((flow) => flow.flow)).toEqual([...registeredFlowNames, null]);
    expect(flows.at(-1)).toEqual(expect.objectContaining({ flow: null, metaName: 'legacy survey' }));
    expect(flows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          flow: 'inventory',
          status: 'PUBLISHED',
          inSync: true,
          endpointOk: true,
          validationErrors: 0,
          canSendMessage: 'AVAILABLE',
          jsonVersion: JSON.parse(jsonOf('inventory')).version,
        }),
        expect.objectContaining({
          flow: 'appointments',
          status: 'DRAFT',
          inSync: false,
          endpointOk: false,
          endpointUri: 'https://elsewhere.example.test/x',
          canSendMessage: 'BLOCKED',
        }),
        // A module Meta has no copy of yet.
        expect.objectContaining({ flow: 'returns', metaName: 'returns', id: null, status: null }),
        expect.objectContaining({ flow: null, metaName: 'legacy survey', status: 'DEPRECATED' }),
      ]),
    );
    expect(fake.writes()).toEqual([]);
  });

  it('is in the OpenAPI document', async () => {
    const document = (await (await fetch(`${test.url}/admin/docs`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as {
      paths: Record<string, any>;
    };
    expect(document.paths['/admin/flows'].get).toBeDefined();
  });

  it("answers Meta's refusal as a 502 with Meta's code and fbtrace_id, never the token", async () => {
    fake.enableFlows({ wabaId: WABA_ID, accessToken: 'EAAG-another-token' });
    const response = await get();
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({
      message: expect.stringContaining('The access token is invalid or expired'),
      code: 190,
      fbtrace_id: expect.stringMatching(/^Fk/),
    });
    expect(text).not.toContain(ACCESS_TOKEN);
  });

  it('without the Flows API configuration: 503 naming what is missing', async () => {
    const bare = await startTestApp({
      env: { ADMIN_TOKEN, WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN, WHATSAPP_BUSINESS_ACCOUNT_ID: undefined, PUBLIC_URL: undefined },
    });
    try {
      const response = await fetch(`${bare.url}/admin/flows`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(response.status).toBe(503);
      const body = (await response.json()) as { message: string };
      expect(body.message).toContain('WHATSAPP_BUSINESS_ACCOUNT_ID is not set');
      expect(body.message).toContain('PUBLIC_URL is not set');
    } finally {
      await bare.close();
    }
  });
});
