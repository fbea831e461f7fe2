import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateAppSecret } from '../kit/test-keys.js';
import { FakeGraphApi } from '../support/fake-graph-api.js';
import { registeredFlowNames } from '../support/registered-flows.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { runBuilt } from '../support/run-built.js';
import { TenantFolders } from '../tenants/tenant-folders.js';

const PHONE_NUMBER_ID = '1234567890';
const ACCESS_TOKEN = 'EAAG-doctor-test-token';

/** Runs the built CLI as `npm run flows` does. */
const flows = (args: string[], env: Record<string, string | undefined>) => runBuilt('dist/src/tools/flows.js', args, env);

/** A root CA, an intermediate CA it signed, and a leaf for localhost the intermediate signed (valid 10 days). */
function makeCertificates(dir: string) {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  writeFileSync(join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  writeFileSync(
    join(dir, 'leaf.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n',
  );
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '30',
    '-subj',
    '/CN=Flowgate Test Root CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/CN=Flowgate Test Intermediate CA');
  openssl(
    'x509',
    '-req',
    '-in',
    'int.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'int.pem',
    '-days',
    '30',
    '-extfile',
    'ca.ext',
  );
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=localhost');
  openssl(
    'x509',
    '-req',
    '-in',
    'leaf.csr',
    '-CA',
    'int.pem',
    '-CAkey',
    'int.key',
    '-CAcreateserial',
    '-out',
    'leaf.pem',
    '-days',
    '10',
    '-extfile',
    'leaf.ext',
  );
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return { caFile: join(dir, 'ca.pem'), leaf: read('leaf.pem'), intermediate: read('int.pem'), leafKey: read('leaf.key') };
}

/** A TLS terminator in front of the test app, presenting `cert` (the leaf alone, or leaf + intermediate). */
async function tlsProxy(upstreamPort: number, key: string, cert: string): Promise<{ server: TlsServer; port: number }> {
  const server = createTlsServer({ key, cert }, (socket) => {
    const upstream = netConnect(upstreamPort, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, resolve)); // every interface: localhost may be ::1
  return { server, port: (server.address() as { port: number }).port };
}

/** The single-tenant settings of `app` for the CLI, Meta's Graph API being `fake`. */
const singleTenantEnv = (app: TestApp, fake: FakeGraphApi): Record<string, string> => ({
  GRAPH_API_BASE_URL: fake.url,
  WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
  WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
  FLOW_PRIVATE_KEY: app.keys.privatePem,
  FLOW_PRIVATE_KEY_PASSPHRASE: app.keys.passphrase ?? '',
  WHATSAPP_APP_SECRET: app.appSecret,
});

describe('npm run flows -- doctor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-doctor-'));
  let certs: ReturnType<typeof makeCertificates>;
  let app: TestApp;
  let fake: FakeGraphApi;
  let complete: { server: TlsServer; port: number };
  let leafOnly: { server: TlsServer; port: number };
  let env: Record<string, string>;

  beforeAll(async () => {
    certs = makeCertificates(dir);
    app = await startTestApp();
    const appPort = Number(new URL(app.url).port);
    complete = await tlsProxy(appPort, certs.leafKey, certs.leaf + certs.intermediate);
    leafOnly = await tlsProxy(appPort, certs.leafKey, certs.leaf);
    fake = await new FakeGraphApi().start();
    // Meta holds the app's current public key for the phone number.
    fake.defaultAnswer = () => ({
      status: 200,
      body: { data: [{ business_public_key: app.keys.publicPem, business_public_key_signature_status: 'VALID' }] },
    });
    env = singleTenantEnv(app, fake);
  });

  afterAll(async () => {
    await new Promise((resolve) => complete?.server.close(resolve));
    await new Promise((resolve) => leafOnly?.server.close(resolve));
    await fake?.stop();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes against a server that presents the full chain, including the encrypted ping to each flow', async () => {
    // The test CA trusted the way an operator would: NODE_EXTRA_CA_CERTS.
    const run = await flows(['doctor'], { ...env, PUBLIC_URL: `https://localhost:${complete.port}`, NODE_EXTRA_CA_CERTS: certs.caFile });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/✔ DNS: localhost → /);
    expect(run.stdout).toContain('✔ TLS chain: complete and trusted (localhost ← Flowgate Test Intermediate CA ← Flowgate Test Root CA)');
    expect(run.stdout).toContain('✔ TLS hostname: the certificate names localhost');
    expect(run.stdout).toMatch(/⚠ TLS expiry: localhost expires in (9|10) days/);
    expect(run.stdout).toContain(`✔ Meta key: the phone number's key is the current key`);
    for (const flow of registeredFlowNames) expect(run.stdout).toMatch(new RegExp(`✔ ping ${flow}: answered and decrypted in \\d+ ms`));
    expect(run.stdout + run.stderr).not.toContain(ACCESS_TOKEN);
    expect(run.stdout + run.stderr).not.toContain(app.appSecret);
  });

  it('reports a chain without its intermediate, which Meta cannot verify', async () => {
    const run = await flows(['doctor', '--url', `https://localhost:${leafOnly.port}`, '--ca', certs.caFile], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('✖ TLS chain: the server does not send the intermediate certificate(s): serve the full chain');
    expect(run.stderr).toMatch(/✖ ping inventory: .*did not answer \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
    // --ca alone trusts the root, exactly like NODE_EXTRA_CA_CERTS: the complete chain passes with it.
    const withCa = await flows(['doctor', '--url', `https://localhost:${complete.port}`, '--ca', certs.caFile, '--json'], env);
    expect(withCa.code).toBe(0);
    expect(JSON.parse(withCa.stdout)).toMatchObject({
      ok: true,
      // Every registered flow module, in their order.
      pings: registeredFlowNames.map((flow) => ({ flow, ok: true })),
    });
    // A name the certificate does not carry (it names localhost, 127.0.0.1 and ::1).
    const otherName = await flows(['doctor', '--url', `https://127.0.0.2:${complete.port}`, '--ca', certs.caFile], env);
    expect(otherName.code).toBe(1);
    expect(otherName.stderr).toMatch(/✖ TLS hostname: .*127\.0\.0\.2.*: the certificate must name 127\.0\.0\.2/);
  });

  it('says what to fix when the ping is refused or Meta holds another key', async () => {
    fake.defaultAnswer = () => ({ status: 200, body: { data: [] } });
    const run = await flows(['doctor', '--url', `https://localhost:${complete.port}`, '--ca', certs.caFile], {
      ...env,
      WHATSAPP_APP_SECRET: generateAppSecret(),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('✖ Meta key: no public key uploaded for the phone number: run npm run keys -- upload');
    expect(run.stderr).toMatch(/✖ ping inventory: HTTP 432 in \d+ ms: the server refused the signature/);
  });
});

describe('npm run flows -- doctor --tenant', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-doctor-tenant-'));
  const folders = new TenantFolders();
  const acme = folders.add('acme', { wabaId: '102290129340398', phoneNumberIds: ['1065403522', '1065403523'] });
  folders.add('globex', { wabaId: '203390129340399', phoneNumberIds: ['2075403524'] });
  let app: TestApp;
  let fake: FakeGraphApi;
  let proxy: { server: TlsServer; port: number };
  let env: Record<string, string>;
  /** The phone numbers for which Meta holds acme's public key. */
  const holdsKey = new Set<string>();

  beforeAll(async () => {
    const certs = makeCertificates(dir);
    app = await startTestApp({ env: { TENANTS_DIR: folders.root } });
    proxy = await tlsProxy(Number(new URL(app.url).port), certs.leafKey, certs.leaf + certs.intermediate);
    fake = await new FakeGraphApi().start();
    fake.defaultAnswer = (request) => {
      const number = request.path.split('/')[1];
      if (request.headers.authorization !== `Bearer ${acme.graphToken}`)
        return { status: 401, body: { error: { message: 'Invalid OAuth access token', code: 190 } } };
      const key = holdsKey.has(number) ? [{ business_public_key: acme.keys.publicPem, business_public_key_signature_status: 'VALID' }] : [];
      return { status: 200, body: { data: key } };
    };
    env = {
      TENANTS_DIR: folders.root,
      // The single-tenant settings are set too: --tenant must use none of them.
      ...singleTenantEnv(app, fake),
      PUBLIC_URL: `https://localhost:${proxy.port}`,
      NODE_EXTRA_CA_CERTS: certs.caFile,
    };
  });

  afterAll(async () => {
    await new Promise((resolve) => proxy?.server.close(resolve));
    await fake?.stop();
    await app?.close();
    folders.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  const doctor = async (args: string[], extra: Record<string, string> = {}) => {
    const run = await flows(['doctor', '--tenant', ...args], { ...env, ...extra });
    for (const secret of [acme.graphToken, acme.appSecret, ACCESS_TOKEN, app.appSecret]) expect(run.stdout + run.stderr).not.toContain(secret);
    return run;
  };

  it("checks the key Meta holds on each of the tenant's numbers and pings /flows/<tenant>/<flow> with its key and app secret", async () => {
    holdsKey.clear();
    holdsKey.add(acme.phoneNumberIds[0]);
    const run = await doctor(['acme']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`✔ Meta key, phone number ${acme.phoneNumberIds[0]}: the number's key is the current key`);
    expect(run.stderr.trim().split('\n')).toEqual([
      `✖ Meta key, phone number ${acme.phoneNumberIds[1]}: no public key uploaded for the phone number: run npm run keys -- upload --tenant acme`,
    ]);
    for (const flow of registeredFlowNames) expect(run.stdout).toMatch(new RegExp(`✔ ping ${flow}: answered and decrypted in \\d+ ms`));
    // Only acme's numbers were asked, each with acme's token.
    expect(fake.requests.map((request) => request.path.split('/')[1])).toEqual(acme.phoneNumberIds);

    holdsKey.add(acme.phoneNumberIds[1]);
    const passing = await doctor(['acme', '--json']);
    expect(passing.code).toBe(0);
    expect(JSON.parse(passing.stdout)).toMatchObject({
      ok: true,
      tenant: 'acme',
      metaKey: acme.phoneNumberIds.map((phoneNumberId) => ({ phoneNumberId, fingerprint: expect.stringMatching(/^sha256:/) })),
      pings: registeredFlowNames.map((flow) => ({ flow, ok: true })),
    });
  });

  it("names the tenant's file to fix when the server answers with another app secret or key", async () => {
    holdsKey.add(acme.phoneNumberIds[0]).add(acme.phoneNumberIds[1]);
    // The operator's copy of the folder differs from the server's.
    const copy = mkdtempSync(join(tmpdir(), 'flowgate-doctor-copy-'));
    try {
      cpSync(folders.root, copy, { recursive: true });
      writeFileSync(join(copy, 'acme', 'app-secret'), generateAppSecret());
      const secret = await doctor(['acme'], { TENANTS_DIR: copy });
      expect(secret.code).toBe(1);
      expect(secret.stderr).toMatch(
        /✖ ping inventory: HTTP 432 in \d+ ms: the server refused the signature: its app secret for tenant "acme" is not TENANTS_DIR\/acme\/app-secret/,
      );
      // globex's key in acme's place: the server cannot decrypt (and Meta holds another key).
      cpSync(join(folders.root, 'globex', 'private.pem'), join(copy, 'acme', 'private.pem'));
      cpSync(join(folders.root, 'acme', 'app-secret'), join(copy, 'acme', 'app-secret'));
      const key = await doctor(['acme'], { TENANTS_DIR: copy });
      expect(key.code).toBe(1);
      expect(key.stderr).toMatch(
        /✖ Meta key, phone number \d+: Meta has sha256:\w+, the current key is sha256:\w+: run npm run keys -- upload --tenant acme/,
      );
      expect(key.stderr).toMatch(
        /✖ ping inventory: HTTP 421 in \d+ ms: the server could not decrypt the request: its key for tenant "acme" is not TENANTS_DIR\/acme\/private.pem/,
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('an unknown tenant is one line listing the tenants, before any network call', async () => {
    fake.reset();
    const run = await doctor(['acmee']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe(`✖ No tenant "acmee" in TENANTS_DIR ${folders.root} (tenants: acme, globex)`);
    expect(fake.requests).toEqual([]);
  });
});
