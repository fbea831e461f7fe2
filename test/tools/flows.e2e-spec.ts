import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeGraphApi } from '../support/fake-graph-api.js';
import { freePort } from '../support/free-port.js';
import type { FakeMetaFlows } from '../support/fake-meta-flows.js';
import { registeredFlowNames } from '../support/registered-flows.js';
import { PROJECT_ROOT } from '../support/server-process.js';
import { runBuilt } from '../support/run-built.js';

const WABA_ID = '102290129340398';
const ACCESS_TOKEN = 'EAAG-flows-test-token-do-not-print';
const PUBLIC_URL = 'https://flowgate.example.test';
// Every registered flow module (the examples and any a team adds), in the order they are listed.
const FLOWS = registeredFlowNames;
const fileOf = (flow: string) => `src/flows/${flow}/${flow}.flow.json`;
const jsonOf = (flow: string) => readFileSync(join(PROJECT_ROOT, fileOf(flow)), 'utf8');

/** Runs the built CLI as `npm run flows` does. */
const flows = (args: string[], env: Record<string, string | undefined> = {}) => runBuilt('dist/src/tools/flows.js', args, env);

describe('npm run flows against a fake Graph API', () => {
  let fake: FakeGraphApi;
  let meta: FakeMetaFlows;
  let env: Record<string, string>;
  const run = async (...args: string[]) => {
    const result = await flows(args, env);
    expect(result.output).not.toContain(ACCESS_TOKEN);
    expect(result.output).not.toMatch(/\n\s+at .+:\d+:\d+/); // never a stack trace
    return result;
  };

  beforeAll(async () => {
    fake = await new FakeGraphApi().start();
    env = {
      GRAPH_API_BASE_URL: fake.url,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_BUSINESS_ACCOUNT_ID: WABA_ID,
      PUBLIC_URL,
      OUTBOUND_MAX_TOTAL_MS: '5000',
    };
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    // Two flows a page, so every list is paged.
    meta = fake.enableFlows({ wabaId: WABA_ID, accessToken: ACCESS_TOKEN, pageSize: 2 });
  });

  it('create → upload → publish → a redeploy with nothing changed makes no write call', async () => {
    meta.add({ name: 'made in flow builder' });
    meta.add({ name: 'another one' });
    // Meta throttles the first call once: the outbound sender's backoff retries it.
    fake.script(`/${WABA_ID}/flows`, { status: 429, body: { error: { message: 'Too many calls', code: 80007, fbtrace_id: 'AbC' } } });

    const first = await run('deploy', '--all');
    expect(first.code).toBe(0);
    expect(fake.requests.filter((r) => r.path === `/${WABA_ID}/flows` && r.method === 'GET').length).toBeGreaterThanOrEqual(2);
    for (const flow of FLOWS) {
      expect(first.stdout).toContain(`✔ ${flow}: ${fileOf(flow)} passes the local checks`);
      expect(first.stdout).toMatch(new RegExp(`✔ ${flow}: created draft "${flow}" \\(id \\d+\\)`));
      expect(first.stdout).toContain(`✔ ${flow}: uploaded ${fileOf(flow)}, no validation errors`);
      const stored = meta.byName(flow)!;
      expect(stored).toMatchObject({ status: 'DRAFT', endpoint_uri: `${PUBLIC_URL}/flows/${flow}` });
      expect(stored.json).toBe(jsonOf(flow));
    }
    expect(meta.byName('inventory')!.categories).toEqual(['CUSTOMER_SUPPORT']);
    expect(meta.byName('appointments')!.categories).toEqual(['APPOINTMENT_BOOKING']);
    // The upload is Meta's multipart form: file flow.json (application/json), name, asset_type.
    const upload = fake.requests.find((r) => r.path.endsWith('/assets') && r.method === 'POST')!;
    expect(upload.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload.body).toMatch(/name="file"; filename="flow\.json"\r\nContent-Type: application\/json/);
    expect(upload.body).toMatch(/name="asset_type"\r\n\r\nFLOW_JSON/);

    const published = await run('publish', 'inventory', '--yes');
    expect(published.code).toBe(0);
    expect(published.stdout).toMatch(/✔ inventory: published \(id \d+, status PUBLISHED\)/);
    expect(meta.byName('inventory')!.status).toBe('PUBLISHED');

    fake.reset();
    const again = await run('deploy', '--all');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/✔ inventory: up to date \(PUBLISHED, id \d+\)/);
    expect(again.stdout).toMatch(/✔ appointments: up to date \(DRAFT, id \d+\)/);
    expect(fake.writes()).toEqual([]);

    const listed = await run('list', '--json');
    expect(listed.code).toBe(0);
    const document = JSON.parse(listed.stdout);
    expect(document.flows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          flow: 'inventory',
          status: 'PUBLISHED',
          inSync: true,
          endpointOk: true,
          validationErrors: 0,
          canSendMessage: 'AVAILABLE',
          jsonVersion: expect.any(String),
        }),
        expect.objectContaining({ flow: 'appointments', status: 'DRAFT', inSync: true }),
        expect.objectContaining({ flow: 'returns', status: 'DRAFT', inSync: true }),
        expect.objectContaining({ flow: null, metaName: 'made in flow builder' }),
        expect.objectContaining({ flow: null, metaName: 'another one' }),
      ]),
    );
    // Every local module and the two flows no module owns.
    expect(document.flows).toHaveLength(FLOWS.length + 2);
  });

  it('publish needs --yes without a terminal, and is refused while Meta reports validation errors', async () => {
    expect((await run('deploy', 'inventory')).code).toBe(0);
    const unconfirmed = await run('publish', 'inventory');
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toContain('pass --yes to confirm');
    expect(meta.byName('inventory')!.status).toBe('DRAFT');

    meta.byName('inventory')!.validation_errors = [{ error: 'INVALID_PROPERTY_VALUE', message: 'Something is off', line_start: 3, column_start: 5 }];
    const refused = await run('publish', 'inventory', '--yes');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${fileOf('inventory')}:3:5  Something is off`);
    expect(refused.stderr).toContain('✖ inventory: Meta reports 1 validation error');
    expect(fake.requests.some((r) => r.path.endsWith('/publish'))).toBe(false);
  });

  it('detects drift (JSON edited in Flow Builder, endpoint changed) and fixes it', async () => {
    const stale = JSON.stringify({ ...JSON.parse(jsonOf('inventory')), version: '6.0' });
    meta.add({ name: 'inventory', categories: ['OTHER'], endpoint_uri: 'https://old.example.test/flows/inventory', json: stale });

    const listed = await run('list');
    expect(listed.stdout).toMatch(
      /inventory\s+inventory\s+\d+\s+DRAFT\s+6\.0\s+https:\/\/old\.example\.test\/flows\/inventory \(≠ PUBLIC_URL\)\s+DRIFT/,
    );
    expect(listed.stdout).toContain('⚠ differs from the module: inventory');

    fake.reset();
    const fixed = await run('deploy', 'inventory');
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain(
      '✔ inventory: set categories and endpoint_uri'.replace('categories and endpoint_uri', 'endpoint_uri and categories'),
    );
    expect(fixed.stdout).toContain(`✔ inventory: uploaded ${fileOf('inventory')}`);
    expect(meta.byName('inventory')).toMatchObject({
      endpoint_uri: `${PUBLIC_URL}/flows/inventory`,
      categories: ['CUSTOMER_SUPPORT'],
      json: jsonOf('inventory'),
    });
    expect(fake.writes().map((r) => r.path.replace(/\d{15,}/, 'ID'))).toEqual(['/ID', '/ID/assets']);
  });

  it("prints Meta's validation errors at the file, line and column, and exits non-zero", async () => {
    meta.unsupportedComponents.add('Dropdown');
    const result = await run('deploy', 'appointments');
    expect(result.code).toBe(1);
    const text = jsonOf('appointments');
    const places = [...text.matchAll(/"type"\s*:\s*"Dropdown"/g)].map(({ index }) => {
      const line = text.slice(0, index).split('\n').length;
      return `${fileOf('appointments')}:${line}:${index! - text.lastIndexOf('\n', index! - 1)}  Component 'Dropdown' is not supported`;
    });
    expect(places.length).toBeGreaterThan(0);
    expect(places[0]).not.toContain(':1:1 ');
    for (const place of places) expect(result.stderr).toContain(place);
    expect(result.stderr).toContain(
      `✖ appointments: Meta found ${places.length} validation error${places.length === 1 ? '' : 's'} in ${fileOf('appointments')}`,
    );
    const published = await run('publish', 'appointments', '--yes');
    expect(published.code).toBe(1);
    expect(published.stderr).toContain(places[0]);
    // Nothing changed locally: nothing is uploaded again, and the errors are still shown.
    fake.reset();
    const again = await run('deploy', 'appointments');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(places[0]);
    expect(again.stderr).toContain('✖ appointments: up to date, but Meta reports');
    expect(fake.writes()).toEqual([]);
  });

  it('a published flow whose JSON changed: refused without --republish (nothing written), republished with it', async () => {
    const old = JSON.stringify({ ...JSON.parse(jsonOf('inventory')), version: '6.0' }, null, 2);
    const live = meta.add({
      name: 'inventory',
      categories: ['CUSTOMER_SUPPORT'],
      endpoint_uri: `${PUBLIC_URL}/flows/inventory`,
      json: old,
      status: 'PUBLISHED',
    });

    const refused = await run('deploy', 'inventory');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Meta puts an edited published flow back to DRAFT');
    expect(refused.stderr).toContain('npm run flows -- deploy inventory --republish');
    expect(fake.writes()).toEqual([]);
    expect(live.status).toBe('PUBLISHED');

    const unconfirmed = await run('deploy', 'inventory', '--republish');
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toContain('pass --yes');
    expect(fake.writes()).toEqual([]);

    const republished = await run('deploy', 'inventory', '--republish', '--yes');
    expect(republished.code).toBe(0);
    expect(republished.stdout).toContain('✔ inventory: uploaded');
    expect(republished.stdout).toContain('✔ inventory: published again');
    expect(live).toMatchObject({ status: 'PUBLISHED', json: jsonOf('inventory') });
    expect(live.id).toBe(meta.byName('inventory')!.id);
  });

  it('a republish that Meta finds errors in says the flow cannot be sent until fixed', async () => {
    const live = meta.add({
      name: 'appointments',
      categories: ['APPOINTMENT_BOOKING'],
      endpoint_uri: `${PUBLIC_URL}/flows/appointments`,
      json: '{"version":"6.0","screens":[]}',
      status: 'PUBLISHED',
    });
    meta.unsupportedComponents.add('Dropdown');
    const result = await run('deploy', 'appointments', '--republish', '--yes');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the flow is now DRAFT at Meta and customers cannot receive it');
    expect(live.status).toBe('DRAFT');
    expect(fake.requests.some((r) => r.path.endsWith('/publish'))).toBe(false);
  });

  it('--dry-run prints the plan and writes nothing', async () => {
    meta.add({ name: 'appointments', categories: ['APPOINTMENT_BOOKING'], endpoint_uri: `${PUBLIC_URL}/flows/other`, json: jsonOf('appointments') });
    const result = await run('deploy', '--all', '--dry-run', '--json');
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.writes).toBe(0);
    // One plan per module, in their order: appointments is on Meta with another endpoint, the others are not there yet.
    expect(document.plans).toEqual(
      FLOWS.map((flow) =>
        flow === 'appointments'
          ? expect.objectContaining({
              flow,
              verdict: 'update',
              actions: [{ kind: 'update-metadata', changes: { endpointUri: `${PUBLIC_URL}/flows/appointments` } }],
            })
          : expect.objectContaining({
              flow,
              verdict: 'create',
              actions: [expect.objectContaining({ kind: 'create' }), { kind: 'upload-json' }],
            }),
      ),
    );
    expect(fake.writes()).toEqual([]);
    const text = await run('deploy', '--all', '--dry-run');
    expect(text.stdout).toContain('· inventory: not on Meta yet; would create draft "inventory"');
    expect(text.stdout).toContain('· Dry run: nothing was written to Meta');
    expect(fake.writes()).toEqual([]);
  });

  it('status shows health entities with their errors; metrics prints a table and --json', async () => {
    expect((await run('deploy', 'inventory')).code).toBe(0);
    meta.byName('inventory')!.can_send_message = 'BLOCKED';
    const status = await run('status', 'inventory');
    expect(status.code).toBe(1);
    expect(status.stdout).toContain(`✔ endpoint_uri ${PUBLIC_URL}/flows/inventory`);
    expect(status.stderr).toContain('✖ can send messages: BLOCKED');
    expect(status.stdout).toContain('131063 The flow endpoint is unavailable. Fix: Check the endpoint and its TLS certificate');
    expect(status.stdout).toContain('· alerts stored by the webhook worker not shown: DATABASE_URL is not set');

    const metrics = await run('metrics', 'inventory', '--since', '2026-11-01', '--until', '2026-11-30');
    expect(metrics.code).toBe(0);
    // First, in one line: Meta's metrics are deprecated and silent below 250 requests; where to look instead.
    expect(metrics.stdout.split('\n')[0]).toBe(
      "⚠ Meta's Flows Metrics API is deprecated since 30 April 2026 and answers nothing below 250 requests: watch the flows webhooks " +
        "(ENDPOINT_* alerts, FLOW_STATUS_CHANGE), health_status (flowgate meta status <flow>) and Flowgate's own metrics (GET /metrics)",
    );
    expect(metrics.stdout).toMatch(/PERIOD\s+REQUESTS\s+ERRORS\s+ERROR RATE\s+LATENCY\s+AVAILABILITY/);
    expect(metrics.stdout).toMatch(
      /2026-11-30T00:00:00\+0000\s+120\s+timeout_error=2 unexpected_http_status_code=1\s+2\.5%\s+p50=1s p90=2s\s+99\.2%/,
    );
    expect(
      fake.requests.some((r) => r.query.get('fields') === 'metric.name(ENDPOINT_REQUEST_COUNT).granularity(DAY).since(2026-11-01).until(2026-11-30)'),
    ).toBe(true);
    const json = JSON.parse((await run('metrics', 'inventory', '--json')).stdout);
    expect(json.metrics.ENDPOINT_AVAILABILITY.data_points[0].data).toEqual([{ key: 'value', value: 99.2 }]);
    expect(json.steps[0]).toEqual({ ok: null, message: expect.stringContaining('deprecated since 30 April 2026') });
  });

  it('preview prints the URL; --interactive adds the flow action and a token the endpoint accepts', async () => {
    expect((await run('deploy', 'inventory', 'appointments')).code).toBe(0);
    const plain = await run('preview', 'inventory');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^https:\/\/business\.facebook\.com\/wa\/manage\/flows\/\d+\/preview\/\?token=/m);

    const interactive = await run('preview', 'inventory', '--interactive', '--screen', 'INVENTORY', '--phone', '+351910000000', '--json');
    const url = new URL(JSON.parse(interactive.stdout).previewUrl);
    expect(url.searchParams.get('interactive')).toBe('true');
    expect(url.searchParams.get('flow_action')).toBe('navigate');
    expect(JSON.parse(url.searchParams.get('flow_action_payload')!)).toEqual({ screen: 'INVENTORY' });
    expect(url.searchParams.get('flow_token')).toMatch(/^preview-/);
    expect(url.searchParams.get('phone_number')).toBe('+351910000000');

    // Issued tokens need the server's database; without DATABASE_URL the command says so.
    const issued = await run('preview', 'appointments', '--interactive');
    expect(issued.code).toBe(1);
    expect(issued.stderr).toContain('appointments only accepts issued flow tokens, and issuing one needs the server');
    expect(issued.stderr).toContain('DATABASE_URL is not set');
  });

  it('deprecate and delete follow the lifecycle, with the confirmation rule', async () => {
    expect((await run('deploy', 'inventory', 'appointments')).code).toBe(0);
    expect((await run('delete', 'appointments')).stderr).toContain('pass --yes');
    expect(meta.byName('appointments')).toBeDefined();
    const deleted = await run('delete', 'appointments', '--yes');
    expect(deleted.code).toBe(0);
    expect(meta.byName('appointments')).toBeUndefined();

    expect((await run('publish', 'inventory', '--yes')).code).toBe(0);
    const notDraft = await run('delete', 'inventory', '--yes');
    expect(notDraft.code).toBe(1);
    expect(notDraft.stderr).toContain("only a DRAFT can be deleted; Meta's flow is PUBLISHED (deprecate it");
    expect((await run('deprecate', 'inventory', '--yes')).code).toBe(0);
    expect(meta.byName('inventory')!.status).toBe('DEPRECATED');
    const blocked = await run('deploy', 'inventory', '--dry-run');
    expect(blocked.code).toBe(0);
    expect(blocked.stdout).toContain('✔ inventory: up to date (DEPRECATED');
  });

  it("Meta's errors show code, error_user_msg and fbtrace_id; a network failure has its own exit code", async () => {
    const wrongToken = await flows(['list'], { ...env, WHATSAPP_ACCESS_TOKEN: 'EAAG-wrong' });
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toMatch(
      /✖ Reading the flows on Meta failed: Meta answered 401, code 190: The access token is invalid or expired \(fbtrace_id Fk[0-9a-f]+\)/,
    );
    expect(wrongToken.output).not.toContain('EAAG-wrong');

    meta.add({ name: 'inventory' });
    const duplicate = await run('deploy', 'inventory');
    expect(duplicate.code).toBe(0); // found by name: it is updated, not created twice
    expect([...meta.flows.values()].filter((f) => f.name === 'inventory')).toHaveLength(1);

    const closed = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await flows(['list'], { ...env, GRAPH_API_BASE_URL: closed, OUTBOUND_MAX_TOTAL_MS: '1000' });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain(`✖ Reading the flows on Meta failed: Meta could not be reached at ${new URL(closed).host} (ECONNREFUSED)`);
    const asJson = await flows(['list', '--json'], { ...env, GRAPH_API_BASE_URL: closed, OUTBOUND_MAX_TOTAL_MS: '1000' });
    expect(asJson.code).toBe(3);
    expect(JSON.parse(asJson.stdout)).toEqual({ ok: false, error: expect.stringContaining('could not be reached') });
  });

  it('a PUBLIC_URL with a path is refused in one line, nothing sent', async () => {
    const result = await flows(['deploy', 'inventory'], { ...env, PUBLIC_URL: 'https://flows.example.com/flowgate' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      '✖ Invalid configuration: PUBLIC_URL must be the https origin Meta calls, without a path or a trailing slash (e.g. https://flowgate.example.com)',
    );
    expect(fake.requests).toEqual([]);
  });

  it('missing configuration: one clear line per missing value, nothing sent', async () => {
    const result = await flows(['deploy', '--all'], { GRAPH_API_BASE_URL: fake.url });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^✖ WHATSAPP_ACCESS_TOKEN is not set: /),
      expect.stringMatching(/^✖ WHATSAPP_BUSINESS_ACCOUNT_ID is not set: /),
      expect.stringMatching(/^✖ PUBLIC_URL is not set: /),
    ]);
    const invalid = await flows(['list'], { ...env, PUBLIC_URL: 'http://flowgate.example.test/' });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr.trim()).toBe(
      '✖ Invalid configuration: PUBLIC_URL must be the https origin Meta calls, without a path or a trailing slash (e.g. https://flowgate.example.com)',
    );
    expect(fake.requests).toEqual([]);
  });

  it('usage errors exit 2', async () => {
    expect((await flows(['frobnicate'], env)).code).toBe(2);
    expect((await flows(['deploy', '--bogus'], env)).code).toBe(2);
  });
});
