import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signBody } from '../../src/hub-signature/index.js';
import { PROJECT_ROOT } from '../support/server-process.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestFlowsModule } from '../flows-core/fixtures/test-flows.js';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const VERIFY_TOKEN = 'verify-token-0123456789';
const WASENDER_SECRET = 'wasender-secret-0123456789';
const FLOW_BODY_LIMIT = 4096;
const WEBHOOK_BODY_LIMIT = Math.floor(3.5 * 1024 * 1024);
const ADMIN_BODY_LIMIT = 1024 * 1024;

const EXPECTED_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

let test: TestApp;
const env = { ADMIN_TOKEN, METRICS_TOKEN, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN, WASENDER_WEBHOOK_SECRET: WASENDER_SECRET };

beforeAll(async () => {
  test = await startTestApp({
    modules: [TestFlowsModule],
    env: { ...env, FLOW_BODY_LIMIT: String(FLOW_BODY_LIMIT), QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}` },
  });
});
afterAll(async () => test?.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** A JSON object body of exactly `bytes` bytes. */
const bodyOf = (bytes: number) => {
  const frame = '{"padding":""}';
  return Buffer.from(`{"padding":"${'x'.repeat(bytes - frame.length)}"}`);
};

describe('security headers', () => {
  const routes: Array<[string, () => Promise<Response>]> = [
    ['GET /admin/webhooks', () => fetch(`${test.url}/admin/webhooks`, { headers: bearer(ADMIN_TOKEN) })],
    ['GET /admin/docs', () => fetch(`${test.url}/admin/docs`, { headers: bearer(ADMIN_TOKEN) })],
    ['GET /admin/webhooks without the token (401)', () => fetch(`${test.url}/admin/webhooks`)],
    [
      'POST /admin/flows/members/sessions with a bad body (400)',
      () =>
        fetch(`${test.url}/admin/flows/members/sessions`, {
          method: 'POST',
          headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json' },
          body: '{}',
        }),
    ],
    ['GET /health/live', () => fetch(`${test.url}/health/live`)],
    ['GET /health/ready', () => fetch(`${test.url}/health/ready`)],
    ['GET /metrics', () => fetch(`${test.url}/metrics`, { headers: bearer(METRICS_TOKEN) })],
    ['GET /metrics without the token (401)', () => fetch(`${test.url}/metrics`)],
    [
      'GET /webhooks/whatsapp verification',
      () => fetch(`${test.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=%3Cscript%3E`),
    ],
    ['an unknown route (404)', () => fetch(`${test.url}/nothing-here`)],
  ];

  it.each(routes)('%s', async (_, request) => {
    const response = await request();
    expect(response.status).toBeLessThan(500);
    for (const [name, value] of Object.entries(EXPECTED_HEADERS)) expect([name, response.headers.get(name)]).toEqual([name, value]);
    // Terminus says more on health checks ("no-cache, no-store, must-revalidate"); no-store is what counts.
    expect(response.headers.get('cache-control')?.split(/,\s*/)).toContain('no-store');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('server')).toBeNull();
  });

  it('the data endpoint keeps its bare base64 text/plain reply, with nosniff and no-store', async () => {
    const reply = await test.client.ping('echo');
    expect(reply.status).toBe(200);
    expect(reply.contentType).toMatch(/^text\/plain/);
    expect(reply.json).toEqual({ data: { status: 'active' } });
    const response = await fetch(`${test.url}/flows/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(432);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('the verification challenge is echoed as text/plain that browsers may not sniff into HTML', async () => {
    const response = await fetch(`${test.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=%3Cscript%3E`);
    expect(await response.text()).toBe('<script>');
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('admin routes are unreachable without the token', () => {
  /** Every admin route, from the application's own OpenAPI document, with sample path parameters. */
  const adminRoutes = async () => {
    const docs = (await (await fetch(`${test.url}/admin/docs`, { headers: bearer(ADMIN_TOKEN) })).json()) as { paths: Record<string, object> };
    const routes = Object.entries(docs.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, 'members') })),
    );
    return [...routes, { method: 'GET', path: '/admin/docs' }];
  };

  it('the OpenAPI document lists the admin API (so the checks below cover it)', async () => {
    const routes = await adminRoutes();
    expect(routes.map((route) => `${route.method} ${route.path}`)).toEqual(
      expect.arrayContaining(['POST /admin/keys/reload', 'GET /admin/webhooks', 'POST /admin/flows/members/send', 'GET /admin/docs']),
    );
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', bearer(`${ADMIN_TOKEN}0`)],
    ['the metrics token', bearer(METRICS_TOKEN)],
    ['the app secret', { authorization: 'Bearer app-secret' }],
  ])('every admin route answers 401 to %s, with or without a body', async (_, headers) => {
    for (const route of await adminRoutes()) {
      for (const body of route.method === 'GET' ? [undefined] : [undefined, '{"phone":"+351910000000"}', '{broken']) {
        const response = await fetch(`${test.url}${route.path}`, {
          method: route.method,
          headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
          body,
        });
        expect([route.method, route.path, body, response.status]).toEqual([route.method, route.path, body, 401]);
      }
    }
  });

  it('without ADMIN_TOKEN the admin API does not exist (404), even with a bearer token', async () => {
    const routes = await adminRoutes();
    const disabled = await startTestApp({ modules: [TestFlowsModule], env: { ADMIN_TOKEN: undefined } });
    try {
      for (const route of routes) {
        const response = await fetch(`${disabled.url}${route.path}`, { method: route.method, headers: bearer(ADMIN_TOKEN) });
        expect([route.method, route.path, response.status]).toEqual([route.method, route.path, 404]);
      }
    } finally {
      await disabled.close();
    }
  });
});

describe('body limits per route family', () => {
  const flows = (body: Buffer) =>
    fetch(`${test.url}/flows/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, test.appSecret) },
      body,
    });
  const whatsapp = (body: Buffer) =>
    fetch(`${test.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, test.appSecret) },
      body,
    });
  const wasender = (body: Buffer) =>
    fetch(`${test.url}/webhooks/wasender`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-signature': WASENDER_SECRET },
      body,
    });
  const admin = (body: Buffer) =>
    fetch(`${test.url}/admin/flows/members/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(ADMIN_TOKEN) },
      body,
    });

  it.each([
    ['/flows/<name> at FLOW_BODY_LIMIT', flows, FLOW_BODY_LIMIT, 421],
    ['/webhooks/whatsapp at 3.5 MiB', whatsapp, WEBHOOK_BODY_LIMIT, 200],
    ['/webhooks/wasender at 3.5 MiB', wasender, WEBHOOK_BODY_LIMIT, 200],
    ['/admin/* at 1 MiB', admin, ADMIN_BODY_LIMIT, 400],
  ] as const)('%s: a body of exactly the limit is read, one byte more is 413', async (_, post, limit, atLimit) => {
    expect(bodyOf(limit).length).toBe(limit);
    expect((await post(bodyOf(limit))).status).toBe(atLimit);
    const over = await post(bodyOf(limit + 1));
    expect(over.status).toBe(413);
  });
});

describe('secrets are compared in constant time', () => {
  const sourceFiles = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? sourceFiles(join(dir, entry.name))
        : entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')
          ? [join(dir, entry.name)]
          : [],
    );
  const server = sourceFiles(join(PROJECT_ROOT, 'src')).filter((file) => !file.includes(`${join('src', 'tools')}`));
  const read = (file: string) => readFileSync(file, 'utf8');

  it('timingSafeEqual is called only where secrets are compared, on equal-length digests', () => {
    const callers = server
      .filter((file) => /timingSafeEqual\(/.test(read(file)))
      .map((file) => relative(PROJECT_ROOT, file))
      .sort();
    expect(callers).toEqual([
      'src/database/pglite-auth.ts',
      'src/flow-media/media-crypto.ts',
      'src/http/secrets.ts',
      'src/hub-signature/app-secrets.ts',
    ]);
    // The embedded database's SCRAM proof: two SHA-256 digests. A media file's MAC: its 10-byte tail against the first 10 bytes of the HMAC.
    expect(read(join(PROJECT_ROOT, 'src/database/pglite-auth.ts'))).toMatch(/timingSafeEqual\(sha256\(clientKey\), this\.storedKey\)/);
    expect(read(join(PROJECT_ROOT, 'src/flow-media/media-crypto.ts'))).toMatch(
      /const expected = this\.hmac\.digest\(\)\.subarray\(0, MAC_BYTES\);\n\s+if \(!timingSafeEqual\(expected, this\.tail\)\)/,
    );
    expect(read(join(PROJECT_ROOT, 'src/http/secrets.ts'))).toMatch(/timingSafeEqual\(digest\(given\), digest\(expected\)\)/);
    expect(read(join(PROJECT_ROOT, 'src/hub-signature/app-secrets.ts'))).toMatch(
      /expected\.length === given\.length && timingSafeEqual\(expected, given\)/,
    );
  });

  it('no secret is compared with == or ===', () => {
    const secretName = '(?:secret|token|signature|passphrase|password|apiKey|api_key)';
    const comparison = new RegExp(
      `\\w*${secretName}\\w*\\s*[!=]==?\\s*(?!undefined|null|''|""|'string')[\\w.'"]|[\\w.'"]\\s*[!=]==?\\s*\\w*${secretName}\\b`,
      'i',
    );
    const found = server.flatMap((file) =>
      read(file)
        .split('\n')
        .filter((line) => comparison.test(line) && !/typeof|\.length|\.status|kind|label|['"]completed['"]/.test(line))
        .map((line) => `${relative(PROJECT_ROOT, file)}: ${line.trim()}`),
    );
    expect(found).toEqual([]);
  });

  it('secrets of every length are refused with the route’s answer, never a 5xx', async () => {
    for (const length of [0, 1, 15, 16, 17, 64, 1000]) {
      const guess = 'x'.repeat(length);
      const answers = await Promise.all([
        fetch(`${test.url}/admin/webhooks`, { headers: bearer(guess) }).then((r) => r.status),
        fetch(`${test.url}/metrics`, { headers: bearer(guess) }).then((r) => r.status),
        fetch(`${test.url}/webhooks/wasender`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-webhook-signature': guess },
          body: '{}',
        }).then((r) => r.status),
        fetch(`${test.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${guess}&hub.challenge=1`).then((r) => r.status),
        test.client.ping('echo', { signatureHeader: `sha256=${guess}` }).then((r) => r.status),
      ]);
      expect([length, answers]).toEqual([length, [401, 401, 401, 403, 432]]);
    }
  });
});
