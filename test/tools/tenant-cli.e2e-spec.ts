import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeGraphApi, metaError, type RecordedRequest } from '../support/fake-graph-api.js';
import { runBuilt, type BuiltRun } from '../support/run-built.js';
import { flowJsonIn, startTestApp, type TestApp } from '../support/test-app.js';
import { TenantFolders, tenantClient, type TestTenant } from '../tenants/tenant-folders.js';

// `--tenant` on the keys and meta commands, against a fake Graph API (a real local HTTP server) and a
// TENANTS_DIR of two tenants: each command uses that tenant's numbers, WABA and token, and no other.
const PUBLIC_URL = 'https://flowgate.example.test';
const SINGLE_TENANT_TOKEN = 'EAAG-single-tenant-token-never-used-here';
const SINGLE_TENANT_WABA = '999999999999999';

const encryptionPath = (phoneNumberId: string) => `/${phoneNumberId}/whatsapp_business_encryption`;
const uploadedKey = (request: RecordedRequest) => new URLSearchParams(request.body).get('business_public_key');

describe('--tenant on the keys and meta commands (fake Graph API, two tenants)', () => {
  let fake: FakeGraphApi;
  const folders = new TenantFolders();
  let acme: TestTenant;
  let globex: TestTenant;
  let env: Record<string, string>;
  const tokens = () => [acme.graphToken, globex.graphToken, SINGLE_TENANT_TOKEN];

  /** Runs a built entry point; no run ever prints a token or a stack trace. */
  async function run(script: 'flowgate' | 'keys' | 'flows', args: string[], extra: Record<string, string | undefined> = {}): Promise<BuiltRun> {
    const result = await runBuilt(`dist/src/tools/${script}.js`, args, { ...env, ...extra });
    for (const token of tokens()) expect(result.output).not.toContain(token);
    expect(result.output).not.toMatch(/PRIVATE KEY-----|\n\s+at .+:\d+:\d+/);
    return result;
  }

  beforeAll(async () => {
    fake = await new FakeGraphApi().start();
    acme = folders.add('acme', { wabaId: '102290129340398', phoneNumberIds: ['1065403522', '1065403523'] });
    globex = folders.add('globex', { wabaId: '203390129340399', phoneNumberIds: ['2075403524'], passphrase: 'globex passphrase 7' });
    env = {
      TENANTS_DIR: folders.root,
      GRAPH_API_BASE_URL: fake.url,
      // The single-tenant settings are set too: --tenant must not use them.
      WHATSAPP_ACCESS_TOKEN: SINGLE_TENANT_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: '3000000001',
      WHATSAPP_BUSINESS_ACCOUNT_ID: SINGLE_TENANT_WABA,
      PUBLIC_URL,
      OUTBOUND_MAX_TOTAL_MS: '3000',
    };
  });
  afterAll(async () => {
    await fake?.stop();
    folders.remove();
  });
  beforeEach(() => fake.reset());

  it("keys upload --tenant: the tenant's key to each of its numbers with its token, one line each", async () => {
    const result = await run('keys', ['upload', '--tenant', 'acme']);
    expect(result.code).toBe(0);
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual(
      acme.phoneNumberIds.map((id) => `POST ${encryptionPath(id)}`),
    );
    for (const request of fake.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${acme.graphToken}`);
      expect(uploadedKey(request)).toBe(acme.keys.publicPem);
    }
    for (const id of acme.phoneNumberIds) expect(result.stdout).toContain(`✔ phone number ${id}: public key uploaded`);
    expect(result.stdout).not.toContain(globex.phoneNumberIds[0]);

    // The same through flowgate, for the other tenant: its one number, its token, its (encrypted) key.
    fake.reset();
    const other = await run('flowgate', ['keys', 'upload', '--tenant', 'globex', '--json']);
    expect(other.code).toBe(0);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].path).toBe(encryptionPath(globex.phoneNumberIds[0]));
    expect(fake.requests[0].headers.authorization).toBe(`Bearer ${globex.graphToken}`);
    expect(uploadedKey(fake.requests[0])).toBe(globex.keys.publicPem);
    expect(JSON.parse(other.stdout)).toMatchObject({
      ok: true,
      tenant: 'globex',
      phoneNumbers: [{ id: globex.phoneNumberIds[0], ok: true }],
    });
  });

  it('keys upload --tenant: a number Meta refuses is its own ✖ line, the others still get the key, exit 1', async () => {
    fake.script(encryptionPath(acme.phoneNumberIds[0]), metaError(401, 190, 'Error validating access token: Session has expired'));
    const result = await run('keys', ['upload', '--tenant', 'acme', '--json']);
    expect(result.code).toBe(1);
    expect(fake.requests.map((request) => request.path)).toEqual(acme.phoneNumberIds.map(encryptionPath));
    const document = JSON.parse(result.stdout);
    expect(document.ok).toBe(false);
    expect(document.phoneNumbers).toEqual([
      { id: acme.phoneNumberIds[0], ok: false, error: expect.stringContaining('Uploading the public key to Meta failed') },
      { id: acme.phoneNumberIds[1], ok: true },
    ]);

    fake.reset();
    fake.script(encryptionPath(acme.phoneNumberIds[1]), metaError(401, 190, 'Error validating access token: Session has expired'));
    const lines = await run('keys', ['upload', '--tenant', 'acme']);
    expect(lines.code).toBe(1);
    expect(lines.stdout).toContain(`✔ phone number ${acme.phoneNumberIds[0]}: public key uploaded`);
    expect(lines.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^✖ phone number ${acme.phoneNumberIds[1]}: Uploading`))]);
  });

  it('an unknown tenant is one line listing the configured tenants; without TENANTS_DIR one line naming it; nothing is sent', async () => {
    for (const [script, args] of [
      ['keys', ['upload', '--tenant', 'acmee']],
      ['flows', ['deploy', 'inventory', '--tenant', 'acmee']],
      ['flowgate', ['keys', 'rotate', '--tenant', 'acmee']],
    ] as const) {
      const result = await run(script, [...args], { ADMIN_TOKEN: 'admin-token-for-the-tenant-cli-test' });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(`✖ No tenant "acmee" in TENANTS_DIR ${folders.root} (tenants: acme, globex)`);
    }
    const asJson = await run('flowgate', ['meta', 'list', '--tenant', 'acmee', '--json']);
    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.stdout)).toEqual({ ok: false, error: `No tenant "acmee" in TENANTS_DIR ${folders.root} (tenants: acme, globex)` });

    const noDir = await run('keys', ['upload', '--tenant', 'acme'], { TENANTS_DIR: undefined });
    expect(noDir.code).toBe(1);
    expect(noDir.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^✖ --tenant needs TENANTS_DIR: /)]);
    expect(fake.requests).toEqual([]);
  });

  it("meta deploy --tenant: the tenant's WABA and token, endpoint_uri PUBLIC_URL/flows/<tenant>/<flow>; list --json holds no token", async () => {
    // Meta's Flows API for globex's WABA only, accepting only globex's token.
    const meta = fake.enableFlows({ wabaId: globex.wabaId, accessToken: globex.graphToken });
    const deployed = await run('flows', ['deploy', 'inventory', '--tenant', 'globex']);
    expect(deployed.code).toBe(0);
    expect(meta.byName('inventory')).toMatchObject({ status: 'DRAFT', endpoint_uri: `${PUBLIC_URL}/flows/globex/inventory` });
    expect(fake.requests.length).toBeGreaterThan(0);
    for (const request of fake.requests) expect(request.headers.authorization).toBe(`Bearer ${globex.graphToken}`);
    expect(fake.requests.some((request) => request.path.includes(SINGLE_TENANT_WABA))).toBe(false);

    const listed = await run('flowgate', ['meta', 'list', '--tenant', 'globex', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).flows).toEqual(
      expect.arrayContaining([expect.objectContaining({ flow: 'inventory', endpointUri: `${PUBLIC_URL}/flows/globex/inventory`, endpointOk: true })]),
    );
    // The single-tenant endpoint is not the tenant's: status says so for a flow deployed without --tenant's URI.
    meta.byName('inventory')!.endpoint_uri = `${PUBLIC_URL}/flows/inventory`;
    const status = await run('flows', ['status', 'inventory', '--tenant', 'globex']);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain(
      `✖ endpoint_uri is ${PUBLIC_URL}/flows/inventory, expected ${PUBLIC_URL}/flows/globex/inventory: run npm run flows -- deploy inventory --tenant globex`,
    );
  });

  it("meta preview-url --tenant: a flow of issued tokens needs --token issued for the tenant (one made here would be no tenant's)", async () => {
    const meta = fake.enableFlows({ wabaId: globex.wabaId, accessToken: globex.graphToken });
    meta.add({ name: 'appointments', endpoint_uri: `${PUBLIC_URL}/flows/globex/appointments` });
    const result = await run('flows', ['preview-url', 'appointments', '--tenant', 'globex', '--interactive']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      '✖ appointments only accepts issued flow tokens: pass --token, issued for the tenant with POST /admin/flows/appointments/sessions?tenant=globex',
    );
    const withToken = await run('flows', [
      'preview-url',
      'appointments',
      '--tenant',
      'globex',
      '--interactive',
      '--token',
      'issued-for-globex',
      '--json',
    ]);
    expect(withToken.code).toBe(0);
    expect(new URL(JSON.parse(withToken.stdout).previewUrl).searchParams.get('flow_token')).toBe('issued-for-globex');
  });

  it("keys generate --tenant: a new pair in the tenant's folder, its passphrase in private.pem.passphrase", async () => {
    const refused = await run('keys', ['generate', '--tenant', 'globex']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already exists; pass --force');

    const generated = await run('keys', ['generate', '--tenant', 'globex', '--force', '--passphrase-env', 'NEW_PASS'], {
      NEW_PASS: 'a new passphrase 9',
    });
    expect(generated.code).toBe(0);
    expect(generated.output).not.toContain('a new passphrase 9');
    const privatePem = readFileSync(join(globex.dir, 'private.pem'), 'utf8');
    expect(readFileSync(join(globex.dir, 'private.pem.passphrase'), 'utf8')).toBe('a new passphrase 9');
    const key = createPrivateKey({ key: privatePem, format: 'pem', passphrase: 'a new passphrase 9' });
    expect(createPublicKey(key).export({ type: 'spki', format: 'pem' })).toBe(readFileSync(join(globex.dir, 'public.pem'), 'utf8'));
    expect(existsSync(join(folders.root, 'config'))).toBe(false);

    // Without --passphrase-env, the tenant's passphrase file encrypts the new key.
    const again = await run('keys', ['generate', '--tenant', 'globex', '--force']);
    expect(again.code).toBe(0);
    const next = readFileSync(join(globex.dir, 'private.pem'), 'utf8');
    expect(next).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    expect(() => createPrivateKey({ key: next, format: 'pem', passphrase: 'a new passphrase 9' })).not.toThrow();

    const both = await run('keys', ['generate', '--tenant', 'globex', '--out', '/tmp/x']);
    expect(both.code).toBe(2);
  });
});

describe('keys rotate / retire --tenant against a running server with TENANTS_DIR', () => {
  const ADMIN_TOKEN = 'admin-token-for-tenant-rotation';
  const PASSPHRASE = 'acme passphrase 3';
  let fake: FakeGraphApi;
  let test: TestApp;
  const folders = new TenantFolders();
  let acme: TestTenant;
  let globex: TestTenant;
  let env: Record<string, string>;

  beforeAll(async () => {
    fake = await new FakeGraphApi().start();
    // Meta's encryption endpoint with memory, per phone number: GET answers the key last POSTed there.
    const stored = new Map<string, string>();
    fake.defaultAnswer = (request) => {
      if (request.method === 'POST') {
        stored.set(request.path, uploadedKey(request) ?? '');
        return { status: 200, body: { success: true } };
      }
      const key = stored.get(request.path);
      return { status: 200, body: { data: key ? [{ business_public_key: key, business_public_key_signature_status: 'VALID' }] : [] } };
    };
    acme = folders.add('acme', { wabaId: '102290129340398', phoneNumberIds: ['1065403522', '1065403523'], passphrase: PASSPHRASE });
    globex = folders.add('globex', { wabaId: '203390129340399', phoneNumberIds: ['2075403524'] });
    test = await startTestApp({ env: { TENANTS_DIR: folders.root, ADMIN_TOKEN } });
    env = { TENANTS_DIR: folders.root, GRAPH_API_BASE_URL: fake.url, ADMIN_TOKEN, OUTBOUND_MAX_TOTAL_MS: '3000' };
  });
  afterAll(async () => {
    await test?.close();
    await fake?.stop();
    folders.remove();
  });

  const keys = async (...args: string[]) => {
    const result = await runBuilt('dist/src/tools/keys.js', [...args, '--url', test.url], env);
    for (const secret of [acme.graphToken, globex.graphToken, ADMIN_TOKEN, PASSPHRASE]) expect(result.output).not.toContain(secret);
    return result;
  };
  const ping = (publicPem: string, tenant: TestTenant) => {
    const client = tenantClient(test.url, tenant.name, { publicPem, appSecret: tenant.appSecret }, flowJsonIn(test.app));
    return client.send.ping(client.flow('inventory')).then((response) => response.status);
  };

  it("rotate: a new key in the tenant's folder with its passphrase, uploaded to each number, the tenant reloaded; retire drops the old one", async () => {
    const globexFiles = readFileSync(join(globex.dir, 'private.pem'), 'utf8');
    const rotated = await keys('rotate', '--tenant', 'acme');
    expect(rotated.code).toBe(0);
    expect(readFileSync(join(acme.dir, 'previous.pem'), 'utf8')).toBe(acme.keys.privatePem);
    expect(readFileSync(join(acme.dir, 'previous.pem.passphrase'), 'utf8')).toBe(PASSPHRASE);
    const newPem = createPublicKey(createPrivateKey({ key: readFileSync(join(acme.dir, 'private.pem'), 'utf8'), passphrase: PASSPHRASE }))
      .export({ type: 'spki', format: 'pem' })
      .toString();
    expect(newPem).not.toBe(acme.keys.publicPem);
    const uploads = fake.requests.filter((request) => request.method === 'POST');
    expect(uploads.map((request) => request.path)).toEqual(acme.phoneNumberIds.map(encryptionPath));
    for (const request of uploads) {
      expect(request.headers.authorization).toBe(`Bearer ${acme.graphToken}`);
      expect(uploadedKey(request)).toBe(newPem);
    }
    expect(rotated.stdout).toContain('✔ Server reloaded tenant "acme"');
    // Both keys open acme's endpoint during the rotation; globex is untouched.
    expect(await ping(newPem, acme)).toBe(200);
    expect(await ping(acme.keys.publicPem, acme)).toBe(200);
    expect(await ping(globex.keys.publicPem, globex)).toBe(200);
    expect(readFileSync(join(globex.dir, 'private.pem'), 'utf8')).toBe(globexFiles);

    const status = await runBuilt('dist/src/tools/keys.js', ['status', '--tenant', 'acme'], env);
    expect(status.code).toBe(0);
    for (const id of acme.phoneNumberIds) expect(status.stdout).toContain(`✔ phone number ${id}: Meta has the current key`);

    const again = await keys('rotate', '--tenant', 'acme');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('the last rotation is not retired. Run `npm run keys -- retire --tenant acme`');

    const retired = await keys('retire', '--tenant', 'acme');
    expect(retired.code).toBe(0);
    expect(existsSync(join(acme.dir, 'previous.pem'))).toBe(false);
    expect(existsSync(join(acme.dir, 'previous.pem.passphrase'))).toBe(false);
    expect(await ping(acme.keys.publicPem, acme)).toBe(421);
    expect(await ping(newPem, acme)).toBe(200);
  });
});
