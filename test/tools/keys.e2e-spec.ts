import { createPrivateKey, createPublicKey } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { keyFingerprint } from '../../src/flows-core/keys/ring-key.js';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair, type TestKeyPair } from '../kit/test-keys.js';
import { FakeGraphApi, type RecordedRequest } from '../support/fake-graph-api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { freePort } from '../support/free-port.js';
import { runBuilt } from '../support/run-built.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  output: string;
}

const PHONE_NUMBER_ID = '1234567890';
const ENCRYPTION_PATH = `/${PHONE_NUMBER_ID}/whatsapp_business_encryption`;
const ACCESS_TOKEN = 'EAAG-test-access-token';

/** Runs the built CLI as `npm run keys` does. */
const keys = (args: string[], env: Record<string, string | undefined> = {}) => runBuilt('dist/src/tools/keys.js', args, env);

const fingerprintOf = (publicPem: string) => keyFingerprint(createPublicKey(publicPem));
const uploadedKey = (request: RecordedRequest) => new URLSearchParams(request.body).get('business_public_key');
const modeOf = (file: string) => statSync(file).mode & 0o777;

/** Meta's encryption endpoint with memory: GET answers the key last POSTed. */
function rememberUploads(fake: FakeGraphApi): void {
  let stored: string | undefined;
  fake.defaultAnswer = (request) => {
    if (request.method === 'POST') {
      stored = uploadedKey(request) ?? undefined;
      return { status: 200, body: { success: true } };
    }
    return { status: 200, body: { data: stored ? [{ business_public_key: stored, business_public_key_signature_status: 'VALID' }] : [] } };
  };
}

describe('npm run keys -- generate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-keys-gen-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a passphrase-encrypted PKCS#8 key (0600) and its public key, and prints the fingerprint', async () => {
    const out = join(dir, 'encrypted');
    const run = await keys(['generate', '--out', out, '--passphrase-env', 'NEW_KEY_PASSPHRASE'], { NEW_KEY_PASSPHRASE: 'open sesame 42' });
    expect(run.code).toBe(0);
    const privatePem = readFileSync(join(out, 'private.pem'), 'utf8');
    const publicPem = readFileSync(join(out, 'public.pem'), 'utf8');
    expect(modeOf(join(out, 'private.pem'))).toBe(0o600);
    expect(privatePem).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    expect(() => createPrivateKey({ key: privatePem, format: 'pem' })).toThrow();
    expect(() => createPrivateKey({ key: privatePem, format: 'pem', passphrase: 'wrong' })).toThrow();
    const privateKey = createPrivateKey({ key: privatePem, format: 'pem', passphrase: 'open sesame 42' });
    expect(privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' })).toBe(publicPem);
    expect(run.stdout).toContain(`Fingerprint: ${fingerprintOf(publicPem)}`);
    expect(run.stdout).toContain(publicPem.trim());
    expect(run.output).not.toMatch(/PRIVATE KEY-----|open sesame/);
  });

  it('refuses to replace an existing private.pem unless --force', async () => {
    const out = join(dir, 'plain');
    expect((await keys(['generate', '--out', out])).code).toBe(0);
    const first = readFileSync(join(out, 'private.pem'), 'utf8');
    expect(first).toContain('BEGIN PRIVATE KEY');

    const refused = await keys(['generate', '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already exists; pass --force');
    expect(readFileSync(join(out, 'private.pem'), 'utf8')).toBe(first);

    expect((await keys(['generate', '--out', out, '--force'])).code).toBe(0);
    expect(readFileSync(join(out, 'private.pem'), 'utf8')).not.toBe(first);
    expect(modeOf(join(out, 'private.pem'))).toBe(0o600);
  });

  it('a dangling private.pem link counts as an existing key: refused without --force, replaced (never followed) with it', async () => {
    const out = join(dir, 'linked');
    mkdirSync(out, { mode: 0o700 });
    const target = join(dir, 'link-target.pem');
    symlinkSync(target, join(out, 'private.pem'));
    const refused = await keys(['generate', '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already exists; pass --force');
    expect((await keys(['generate', '--out', out, '--force'])).code).toBe(0);
    expect(existsSync(target)).toBe(false);
    expect(lstatSync(join(out, 'private.pem')).isFile()).toBe(true);
    expect(modeOf(join(out, 'private.pem'))).toBe(0o600);
  });

  it('refuses a key folder others can write into, with one line saying what to fix', async () => {
    const out = join(dir, 'shared');
    mkdirSync(out);
    chmodSync(out, 0o777);
    const refused = await keys(['generate', '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      `✖ Refusing to write a private key there: ${out} is group- or world-writable (mode 0777); run chmod go-w ${out} (or chmod 700)`,
    );
    expect(existsSync(join(out, 'private.pem'))).toBe(false);
  });

  it('shows usage: exit 2 for an unknown command, 0 for --help', async () => {
    const unknown = await keys(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
    expect(unknown.stderr).toContain('Usage: npm run keys');
    const help = await keys(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('rotate [--url URL]');
  });
});

describe('npm run keys -- upload / status (fake Graph API)', () => {
  let fake: FakeGraphApi;
  let local: TestKeyPair;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-keys-up-'));

  beforeAll(async () => {
    fake = await new FakeGraphApi().start();
    local = generateTestKeyPair();
    env = {
      FLOW_PRIVATE_KEY: local.privatePem,
      WHATSAPP_APP_SECRET: generateAppSecret(),
      GRAPH_API_BASE_URL: fake.url,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    };
  });
  afterAll(async () => {
    await fake?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Requests the fake received during `fn`. */
  async function recording(fn: () => Promise<Run>): Promise<{ run: Run; requests: RecordedRequest[] }> {
    const before = fake.requests.length;
    const run = await fn();
    return { run, requests: fake.requests.slice(before) };
  }

  it('uploads a public key file: exact path, bearer token, urlencoded business_public_key', async () => {
    const other = generateTestKeyPair();
    const file = join(dir, 'public.pem');
    writeFileSync(file, other.publicPem);
    const { run, requests } = await recording(() => keys(['upload', '--public-key', file], env));
    expect(run.code).toBe(0);
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(ENCRYPTION_PATH);
    expect(request.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect([...new URLSearchParams(request.body).keys()]).toEqual(['business_public_key']);
    expect(uploadedKey(request)).toBe(other.publicPem);
    expect(run.stdout).toContain(fingerprintOf(other.publicPem));
    expect(run.output).not.toContain(ACCESS_TOKEN);
  });

  it('without --public-key, uploads the public key of the configured current private key', async () => {
    const { run, requests } = await recording(() => keys(['upload'], env));
    expect(run.code).toBe(0);
    expect(uploadedKey(requests[0])).toBe(local.publicPem);
  });

  it('retries a 500 and succeeds', async () => {
    fake.script(ENCRYPTION_PATH, { status: 500, body: { error: { message: 'temporarily unavailable' } } });
    const { run, requests } = await recording(() => keys(['upload'], env));
    expect(run.code).toBe(0);
    expect(requests.map((request) => request.path)).toEqual([ENCRYPTION_PATH, ENCRYPTION_PATH]);
  });

  it('a Meta error is one readable line and exit 1', async () => {
    fake.script(ENCRYPTION_PATH, { status: 401, body: { error: { code: 190, message: 'Error validating access token: Session has expired' } } });
    const { run, requests } = await recording(() => keys(['upload'], env));
    expect(run.code).toBe(1);
    expect(requests).toHaveLength(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      '✖ Uploading the public key to Meta failed: The WhatsApp access token is invalid or expired (190)',
    ]);
  });

  it('every missing setting is reported at once, one line each, before anything changes', async () => {
    const { run, requests } = await recording(() =>
      keys(['rotate'], { ...env, WHATSAPP_ACCESS_TOKEN: undefined, WHATSAPP_PHONE_NUMBER_ID: undefined }),
    );
    expect(run.code).toBe(1);
    expect(requests).toHaveLength(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines.map((line) => line.split(' ')[1])).toEqual([
      'FLOW_PRIVATE_KEY_FILE',
      'FLOW_PREVIOUS_PRIVATE_KEY_FILE',
      'WHATSAPP_ACCESS_TOKEN',
      'WHATSAPP_PHONE_NUMBER_ID',
      'ADMIN_TOKEN',
    ]);
    for (const line of lines) expect(line).toMatch(/^✖ [A-Z_]+ is not set: /);
  });

  it('Meta out of reach: one line naming the host, exit code 3 as in every command', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await keys(['status'], { ...env, GRAPH_API_BASE_URL: closed, OUTBOUND_MAX_TOTAL_MS: '1000' });
    expect(run.code).toBe(3);
    expect(run.stderr.trim()).toBe(
      `✖ Reading the uploaded key from Meta failed: Meta could not be reached at ${new URL(closed).host} (ECONNREFUSED)`,
    );
    const server = await keys(['reload', '--url', closed], { ...env, ADMIN_TOKEN: 'admin-token-for-test' });
    expect(server.code).toBe(3);
    expect(server.stderr.trim()).toBe(`✖ Reload failed: cannot reach the server at ${closed} (ECONNREFUSED)`);
  });

  it('a missing access token is one line naming WHATSAPP_ACCESS_TOKEN, before any request', async () => {
    const { run, requests } = await recording(() => keys(['upload'], { ...env, WHATSAPP_ACCESS_TOKEN: undefined }));
    expect(run.code).toBe(1);
    expect(requests).toHaveLength(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('WHATSAPP_ACCESS_TOKEN');
  });

  const answer = (publicPem: string, status = 'VALID') => ({ business_public_key: publicPem, business_public_key_signature_status: status });

  it('status accepts a flat answer and reports the current key', async () => {
    fake.script(ENCRYPTION_PATH, { status: 200, body: answer(local.publicPem) });
    const run = await keys(['status'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Uploaded key:      ${fingerprintOf(local.publicPem)}`);
    expect(run.stdout).toContain('Signature status:  VALID');
    expect(run.stdout).toContain('(matches)');
  });

  it('status accepts a { data: [...] } answer', async () => {
    fake.script(ENCRYPTION_PATH, { status: 200, body: { data: [answer(local.publicPem)] } });
    const { run, requests } = await recording(() => keys(['status'], env));
    expect(run.code).toBe(0);
    expect(requests[0]).toMatchObject({ method: 'GET', path: ENCRYPTION_PATH });
    expect(requests[0].headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
  });

  it('status exits 1 on MISMATCH, on another key, and when no key is uploaded', async () => {
    fake.script(ENCRYPTION_PATH, { status: 200, body: { data: [answer(local.publicPem, 'MISMATCH')] } });
    const mismatch = await keys(['status'], env);
    expect(mismatch.code).toBe(1);
    expect(mismatch.output).toContain('MISMATCH');

    const other = generateTestKeyPair();
    fake.script(ENCRYPTION_PATH, { status: 200, body: answer(other.publicPem) });
    const differs = await keys(['status'], env);
    expect(differs.code).toBe(1);
    expect(differs.stdout).toContain(`Uploaded key:      ${fingerprintOf(other.publicPem)}`);
    expect(differs.stdout).toContain('(differs)');

    fake.script(ENCRYPTION_PATH, { status: 200, body: { data: [] } });
    const none = await keys(['status'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('No public key is uploaded');
  });
});

describe('npm run keys -- rotate / retire', () => {
  const PASSPHRASE = 'rotation passphrase';
  const ADMIN_TOKEN = 'admin-token-for-key-rotation';
  let dir: string;
  let currentFile: string;
  let previousFile: string;
  let fake: FakeGraphApi;
  let keyA: TestKeyPair;
  let test: TestApp;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flowgate-keys-rot-'));
    currentFile = join(dir, 'current.pem');
    previousFile = join(dir, 'previous.pem');
    keyA = generateTestKeyPair({ passphrase: PASSPHRASE });
    writeFileSync(currentFile, keyA.privatePem, { mode: 0o600 });
    fake = await new FakeGraphApi().start();
    rememberUploads(fake);
    const keyEnv = {
      FLOW_PRIVATE_KEY_FILE: currentFile,
      FLOW_PRIVATE_KEY_PASSPHRASE: PASSPHRASE,
      FLOW_PREVIOUS_PRIVATE_KEY_FILE: previousFile,
      FLOW_PREVIOUS_PRIVATE_KEY_PASSPHRASE: PASSPHRASE,
      ADMIN_TOKEN,
    };
    // The previous key path is configured, but its file does not exist yet.
    test = await startTestApp({ keys: keyA, env: { FLOW_PRIVATE_KEY: undefined, ...keyEnv } });
    env = {
      ...keyEnv,
      WHATSAPP_APP_SECRET: test.appSecret,
      GRAPH_API_BASE_URL: fake.url,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    };
  });
  afterAll(async () => {
    await test?.close();
    await fake?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses without FLOW_PREVIOUS_PRIVATE_KEY_FILE, or when the previous passphrase cannot open the current key, changing nothing', async () => {
    const missing = await keys(['rotate', '--url', test.url], { ...env, FLOW_PREVIOUS_PRIVATE_KEY_FILE: undefined });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('FLOW_PREVIOUS_PRIVATE_KEY_FILE is not set');

    const wrong = await keys(['rotate', '--url', test.url], { ...env, FLOW_PREVIOUS_PRIVATE_KEY_PASSPHRASE: 'another one' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Nothing was changed');
    expect(readFileSync(currentFile, 'utf8')).toBe(keyA.privatePem);
    expect(existsSync(previousFile)).toBe(false);
    expect(fake.requests).toHaveLength(0);
  });

  it('rotates end to end: old traffic keeps working, the uploaded new key works', async () => {
    const run = await keys(['rotate', '--url', test.url], env);
    expect(run.code).toBe(0);

    const uploads = fake.requests.filter((request) => request.method === 'POST' && request.path === ENCRYPTION_PATH);
    expect(uploads).toHaveLength(1);
    const newPublicPem = uploadedKey(uploads[0])!;
    const oldFingerprint = fingerprintOf(keyA.publicPem);
    const newFingerprint = fingerprintOf(newPublicPem);
    expect(run.stdout).toContain(`old key ${oldFingerprint}`);
    expect(run.stdout).toContain(`new key ${newFingerprint}`);
    expect(run.stdout).toContain(`✔ Server reloaded: current ${newFingerprint}, previous ${oldFingerprint}`);
    expect(run.stdout).toContain('npm run keys -- retire');
    expect(run.output).not.toMatch(/PRIVATE KEY-----|rotation passphrase|admin-token/);

    // The old key moved to the previous file as is; the new one is encrypted with the same passphrase.
    expect(readFileSync(previousFile, 'utf8')).toBe(keyA.privatePem);
    const newPrivatePem = readFileSync(currentFile, 'utf8');
    expect(() => createPrivateKey({ key: newPrivatePem, format: 'pem' })).toThrow();
    const newPrivateKey = createPrivateKey({ key: newPrivatePem, format: 'pem', passphrase: PASSPHRASE });
    expect(keyFingerprint(createPublicKey(newPrivateKey))).toBe(newFingerprint);
    expect(modeOf(currentFile)).toBe(0o600);
    expect(modeOf(previousFile)).toBe(0o600);

    const clientA = new FlowTestClient({ baseUrl: test.url, publicKey: keyA.publicPem, appSecret: test.appSecret });
    const clientNew = new FlowTestClient({ baseUrl: test.url, publicKey: newPublicPem, appSecret: test.appSecret });
    expect((await clientA.ping('inventory')).status).toBe(200);
    expect((await clientNew.ping('inventory')).status).toBe(200);

    const status = await keys(['status'], env);
    expect(status.code).toBe(0);
  });

  it('refuses a second rotation while the previous key is not retired', async () => {
    const before = readFileSync(currentFile, 'utf8');
    const run = await keys(['rotate', '--url', test.url], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('npm run keys -- retire');
    expect(readFileSync(currentFile, 'utf8')).toBe(before);
    expect(readFileSync(previousFile, 'utf8')).toBe(keyA.privatePem);
  });

  it('retire refuses while Meta still has the old key (every phone would get 421)', async () => {
    fake.script(ENCRYPTION_PATH, {
      status: 200,
      body: { data: [{ business_public_key: keyA.publicPem, business_public_key_signature_status: 'VALID' }] },
    });
    const run = await keys(['retire', '--url', test.url], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Meta has ${fingerprintOf(keyA.publicPem)}, not the current key`);
    expect(existsSync(previousFile)).toBe(true);
  });

  it('retire deletes the previous key and reloads: the old key gets 421, the new one 200', async () => {
    const newPublicPem = uploadedKey(fake.requests.filter((request) => request.method === 'POST').at(-1)!)!;
    const run = await keys(['retire'], { ...env, FLOWGATE_URL: test.url });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`✔ Server reloaded: only ${fingerprintOf(newPublicPem)} now`);
    expect(existsSync(previousFile)).toBe(false);

    const clientA = new FlowTestClient({ baseUrl: test.url, publicKey: keyA.publicPem, appSecret: test.appSecret });
    const clientNew = new FlowTestClient({ baseUrl: test.url, publicKey: newPublicPem, appSecret: test.appSecret });
    expect((await clientA.ping('inventory')).status).toBe(421);
    expect((await clientNew.ping('inventory')).status).toBe(200);
  });
});

describe('npm run keys -- rotate when Meta or the server fails', () => {
  let dir: string;
  let fake: FakeGraphApi;

  async function rotateIn(name: string, url: string) {
    const old = generateTestKeyPair();
    const currentFile = join(dir, `${name}-current.pem`);
    const previousFile = join(dir, `${name}-previous.pem`);
    writeFileSync(currentFile, old.privatePem, { mode: 0o600 });
    const run = await keys(['rotate', '--url', url], {
      FLOW_PRIVATE_KEY_FILE: currentFile,
      FLOW_PREVIOUS_PRIVATE_KEY_FILE: previousFile,
      WHATSAPP_APP_SECRET: generateAppSecret(),
      ADMIN_TOKEN: 'admin-token-for-key-rotation',
      GRAPH_API_BASE_URL: fake.url,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    });
    return { old, currentFile, previousFile, run };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flowgate-keys-fail-'));
    fake = await new FakeGraphApi().start();
  });
  afterAll(async () => {
    await fake?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('upload failed: says which key is where, that Meta still has the old key, and exits 1', async () => {
    fake.script(ENCRYPTION_PATH, { status: 401, body: { error: { code: 190, message: 'expired' } } });
    const { old, currentFile, previousFile, run } = await rotateIn('upload', 'http://127.0.0.1:1');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('access token is invalid or expired (190)');
    expect(run.stderr).toContain('Reload failed: cannot reach the server at http://127.0.0.1:1');
    expect(run.stdout).toContain(`${previousFile} holds the old key ${fingerprintOf(old.publicPem)}`);
    expect(run.stdout).toContain('Meta: still has the old public key');
    expect(run.stdout).toContain('npm run keys -- upload');
    expect(readFileSync(previousFile, 'utf8')).toBe(old.privatePem);
    expect(readFileSync(currentFile, 'utf8')).not.toBe(old.privatePem);
  });

  it('reload refused (422): says Meta has the new key and the server does not, and exits 1', async () => {
    fake.script('/admin/keys/reload', {
      status: 422,
      body: { ok: false, message: 'FLOW_PRIVATE_KEY_FILE: not a PEM private key, or the passphrase is wrong' },
    });
    const { run } = await rotateIn('reload', fake.url);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✔ New public key uploaded to Meta');
    expect(run.stderr).toContain(
      'Reload failed: the server could not load the new key files and keeps its working keys (422: FLOW_PRIVATE_KEY_FILE: not a PEM',
    );
    expect(run.stdout).toContain('Meta: has the new public key');
    expect(run.stdout).toContain('phones that fetch the new key get 421 until it does');
    expect(run.stdout).toContain('To undo instead');
  });
});
