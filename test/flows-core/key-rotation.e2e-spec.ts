import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FlowKeyRing } from '../../src/flows-core/keys/flow-key-ring.js';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateTestKeyPair, type TestKeyPair } from '../kit/test-keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestFlowsModule } from './fixtures/test-flows.js';

const PASSPHRASE = 'correct horse battery staple';

/** Replaces a file the way deploy tools do: write a temp file, then rename it over. */
function replaceFile(path: string, content: string): void {
  writeFileSync(`${path}.tmp`, content, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('key rotation without downtime', () => {
  let dir: string;
  let keyA: TestKeyPair;
  let keyB: TestKeyPair;
  let test: TestApp;
  let ring: FlowKeyRing;
  let clientA: FlowTestClient;
  let clientB: FlowTestClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flowgate-keys-'));
    // Passphrase-protected PKCS#1 PEMs, as Meta's key generator writes them.
    keyA = generateTestKeyPair({ passphrase: PASSPHRASE });
    keyB = generateTestKeyPair({ passphrase: PASSPHRASE });
    replaceFile(join(dir, 'current.pem'), keyA.privatePem);
    test = await startTestApp({
      modules: [TestFlowsModule],
      keys: keyA,
      env: {
        FLOW_PRIVATE_KEY: undefined,
        FLOW_PRIVATE_KEY_FILE: join(dir, 'current.pem'),
        FLOW_PRIVATE_KEY_PASSPHRASE: PASSPHRASE,
        FLOW_PREVIOUS_PRIVATE_KEY_FILE: join(dir, 'previous.pem'),
        FLOW_PREVIOUS_PRIVATE_KEY_PASSPHRASE: PASSPHRASE,
      },
    });
    ring = test.app.get(FlowKeyRing);
    clientA = test.client;
    clientB = new FlowTestClient({ baseUrl: test.url, publicKey: keyB.publicPem, appSecret: test.appSecret });
  });
  afterAll(async () => {
    await test?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts with key A only (the previous key file does not exist yet)', async () => {
    expect(ring.candidates()).toHaveLength(1);
    expect((await clientA.ping('echo')).status).toBe(200);
    expect((await clientB.ping('echo')).status).toBe(421);
    const ready: any = await (await fetch(`${test.url}/health/ready`)).json();
    expect(ready.details.keys).toEqual({ status: 'up', current: ring.current().fingerprint });
    expect(JSON.stringify(ready)).not.toMatch(/PRIVATE KEY|BEGIN/);
  });

  it('a key file change alone reloads the ring: B current, A previous, both decrypt', async () => {
    const fingerprintA = ring.current().fingerprint;
    replaceFile(join(dir, 'previous.pem'), keyA.privatePem);
    replaceFile(join(dir, 'current.pem'), keyB.privatePem);
    await until(() => ring.candidates().length === 2 && ring.current().fingerprint !== fingerprintA);
    expect(ring.describe()).toEqual({ current: expect.any(String), previous: fingerprintA });
    expect((await clientB.init('echo', 'rotation-b')).status).toBe(200);
    expect((await clientA.init('echo', 'rotation-a')).status).toBe(200);
  });

  it('SIGHUP with a corrupted key file keeps the working ring', async () => {
    const before = ring.describe();
    // A deliberately broken PEM (armour around garbage, not a key): the reload must refuse it.
    const armour = (edge: string) => `-----${edge} RSA PRIVATE KEY-----`;
    replaceFile(join(dir, 'current.pem'), `${armour('BEGIN')}\ngarbage\n${armour('END')}\n`);
    process.emit('SIGHUP', 'SIGHUP');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(ring.describe()).toEqual(before);
    expect(ring.reload('test').ok).toBe(false);
    expect((await clientB.ping('echo')).status).toBe(200);
    expect((await clientA.ping('echo')).status).toBe(200);
  });

  it('SIGHUP reloads: after the old key is removed, its requests get 421', async () => {
    replaceFile(join(dir, 'current.pem'), keyB.privatePem);
    rmSync(join(dir, 'previous.pem'));
    process.emit('SIGHUP', 'SIGHUP');
    await until(() => ring.candidates().length === 1);
    expect((await clientB.ping('echo')).status).toBe(200);
    expect((await clientA.ping('echo')).status).toBe(421);
  });
});

describe('key sources', () => {
  it('accepts a PEM in FLOW_PRIVATE_KEY with \\n-escaped newlines (single-line env values)', async () => {
    const keys = generateTestKeyPair();
    const test = await startTestApp({
      modules: [TestFlowsModule],
      keys,
      env: { FLOW_PRIVATE_KEY: keys.privatePem.replace(/\n/g, '\\n') },
    });
    try {
      expect((await test.client.ping('echo')).status).toBe(200);
    } finally {
      await test.close();
    }
  });
});
