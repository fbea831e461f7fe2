import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import { freePort } from '../support/owned-database.js';
import { startServer, type RunningServer } from '../support/server-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('the built server (as `npm start` runs it)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-built-'));
  const keyA = generateTestKeyPair();
  const keyB = generateTestKeyPair();
  const appSecret = generateAppSecret();
  let database: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    writeFileSync(join(dir, 'current.pem'), keyA.privatePem, { mode: 0o600 });
    database = await createTestDatabase();
    server = await startServer(
      {
        ...database.env,
        DEMO_DATA: 'true',
        WHATSAPP_APP_SECRET: appSecret,
        FLOW_PRIVATE_KEY_FILE: join(dir, 'current.pem'),
        FLOW_PREVIOUS_PRIVATE_KEY_FILE: join(dir, 'previous.pem'),
      },
      await freePort(),
    );
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the inventory flow with its demo data (the Flow JSON ships in dist/)', async () => {
    const client = new FlowTestClient({ baseUrl: server.url, publicKey: keyA.publicPem, appSecret });
    const reply = await client.dataExchange('inventory', 'built-1', 'INVENTORY', { product_id: 'PROD-99' });
    expect(reply.status).toBe(200);
    expect(reply.json.data.units_available).toBe(5);
  });

  it('a real SIGHUP reloads the key ring and the process keeps serving', async () => {
    writeFileSync(join(dir, 'previous.pem.tmp'), keyA.privatePem, { mode: 0o600 });
    renameSync(join(dir, 'previous.pem.tmp'), join(dir, 'previous.pem'));
    writeFileSync(join(dir, 'current.pem.tmp'), keyB.privatePem, { mode: 0o600 });
    renameSync(join(dir, 'current.pem.tmp'), join(dir, 'current.pem'));
    server.child.kill('SIGHUP');
    const deadline = Date.now() + 5_000;
    while (!server.output().includes('Flow key ring reloaded (SIGHUP)') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(server.output()).toContain('Flow key ring reloaded (SIGHUP)');
    expect(server.child.exitCode).toBeNull();
    for (const key of [keyA, keyB]) {
      const client = new FlowTestClient({ baseUrl: server.url, publicKey: key.publicPem, appSecret });
      expect((await client.ping('inventory')).status).toBe(200);
    }
  });

  it('logs carry no private key, secret or form values', () => {
    const log = server.output();
    expect(log).not.toContain('PRIVATE KEY');
    expect(log).not.toContain(appSecret);
    expect(log).not.toContain('PROD-99');
  });

  it('SIGTERM stops it cleanly', async () => {
    const code = await server.stop();
    expect(code === 0 || server.child.signalCode === 'SIGTERM').toBe(true);
  });
});
