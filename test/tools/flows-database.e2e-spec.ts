import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signBody } from '../../src/hub-signature/index.js';
import { eventually } from '../support/eventually.js';
import { FakeGraphApi } from '../support/fake-graph-api.js';
import type { FakeMetaFlows } from '../support/fake-meta-flows.js';
import { startOwnedDatabase, type OwnedDatabase } from '../support/owned-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { runBuilt } from '../support/run-built.js';

const WABA_ID = '102290129340398';
const ACCESS_TOKEN = 'EAAG-flows-db-test-token';

/** Runs the built CLI as `npm run flows` does. */
const flows = (args: string[], env: Record<string, string | undefined>) => runBuilt('dist/src/tools/flows.js', args, env);

// The commands that read what the server keeps, against a database a separate process can reach
// (the test's own Postgres or PGlite server), shared with a running test app.
describe('npm run flows with the server database', () => {
  let database: OwnedDatabase;
  let test: TestApp;
  let fake: FakeGraphApi;
  let meta: FakeMetaFlows;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await startOwnedDatabase();
    test = await startTestApp({ database: { env: { DATABASE_URL: database.url }, drop: async () => undefined } });
    fake = await new FakeGraphApi().start();
    meta = fake.enableFlows({ wabaId: WABA_ID, accessToken: ACCESS_TOKEN });
    env = {
      GRAPH_API_BASE_URL: fake.url,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_BUSINESS_ACCOUNT_ID: WABA_ID,
      PUBLIC_URL: 'https://flowgate.example.test',
      DATABASE_URL: database.url,
    };
    expect((await flows(['deploy', 'appointments'], env)).code).toBe(0);
  });

  afterAll(async () => {
    await test?.close();
    await fake?.stop();
    await database?.destroy();
  });

  it('status shows the FLOW_STATUS_CHANGE alerts the webhook worker stored for the flow', async () => {
    const id = meta.byName('appointments')!.id;
    const alert = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA_ID,
          time: Math.floor(Date.now() / 1000),
          changes: [
            {
              field: 'flows',
              value: {
                event: 'FLOW_STATUS_CHANGE',
                message: 'Flow appointments changed status from DRAFT to PUBLISHED',
                flow_id: id,
                old_status: 'DRAFT',
                new_status: 'PUBLISHED',
              },
            },
          ],
        },
      ],
    };
    const body = Buffer.from(JSON.stringify(alert));
    const response = await fetch(`${test.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, test.appSecret) },
      body,
    });
    expect(response.status).toBe(200);

    const run = await eventually(
      () => flows(['status', 'appointments'], env),
      (result) => result.stdout.includes('FLOW_STATUS_CHANGE'),
    );
    expect(run.stdout).toMatch(/· \d{4}-\d{2}-\d{2}T[\d:.]+Z FLOW_STATUS_CHANGE: DRAFT → PUBLISHED/);
    const other = await flows(['status', 'appointments', '--json'], env);
    expect(JSON.parse(other.stdout).alerts).toEqual([
      expect.objectContaining({ alert: expect.objectContaining({ flow_id: id, new_status: 'PUBLISHED' }) }),
    ]);
  });

  it('preview --interactive issues a token the endpoint accepts, for a flow that only accepts issued tokens', async () => {
    const run = await flows(['preview', 'appointments', '--interactive', '--json'], env);
    expect(run.code).toBe(0);
    const token = new URL(JSON.parse(run.stdout).previewUrl).searchParams.get('flow_token')!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await test.client.init('appointments', token)).status).toBe(200);
    expect((await test.client.init('appointments', 'made-up-token-0000000000000000000000000000')).status).toBe(427);
  });

  it('an unreachable database is said, not a stack trace', async () => {
    const run = await flows(['preview', 'appointments', '--interactive'], { ...env, DATABASE_URL: 'postgres://postgres@127.0.0.1:9/test' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /✖ appointments only accepts issued flow tokens, and issuing one needs the server's database: the database at DATABASE_URL is unreachable \(ECONNREFUSED\)/,
    );
  });
});
