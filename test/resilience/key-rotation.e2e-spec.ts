import { randomBytes } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import type { OwnedDatabase } from '../support/owned-database.js';
import { sleep } from '../support/eventually.js';
import { flowgateEnv, startFlowgate, stopFlowgate, type FlowgateProcess } from './support/flowgate-process.js';
import { startLoad, tally } from './support/load-driver.js';
import { startOwnedPostgres } from './support/owned-postgres.js';

const ADMIN_TOKEN = `admin-${randomBytes(12).toString('hex')}`;

/** Replaces a file the way `npm run keys -- rotate` does: temp file, then rename. */
function replaceFile(path: string, content: string): void {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, content, { mode: 0o600 });
  renameSync(temp, path);
}

describe('key rotation under continuous load', () => {
  let database: OwnedDatabase;
  let server: FlowgateProcess;
  const keyDir = mkdtempSync(join(tmpdir(), 'flowgate-keys-'));
  const currentFile = join(keyDir, 'private.pem');
  const previousFile = join(keyDir, 'previous.pem');
  const oldKeys = generateTestKeyPair();
  const newKeys = generateTestKeyPair();
  const appSecret = generateAppSecret();

  const reload = async () => {
    const response = await fetch(`${server.url}/admin/keys/reload`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return { status: response.status, body: (await response.json()) as { ok: boolean; fingerprints: string[] } };
  };

  beforeAll(async () => {
    database = await startOwnedPostgres();
    replaceFile(currentFile, oldKeys.privatePem);
    server = await startFlowgate({
      ...flowgateEnv({ databaseUrl: database.url, appSecret }),
      FLOW_PRIVATE_KEY_FILE: currentFile,
      FLOW_PREVIOUS_PRIVATE_KEY_FILE: previousFile,
      ADMIN_TOKEN,
    });
  }, 60_000);

  afterAll(async () => {
    await stopFlowgate(server);
    await database?.destroy();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('old-key and new-key clients never fail until the old key is removed; then old-key requests get 421', async () => {
    const oldClient = new FlowTestClient({ baseUrl: server.url, publicKey: oldKeys.publicPem, appSecret });
    const newClient = new FlowTestClient({ baseUrl: server.url, publicKey: newKeys.publicPem, appSecret });
    const send = (client: FlowTestClient) => () => client.dataExchange('resilience', `rot-${randomBytes(8).toString('hex')}`, 'WELCOME', {});

    const oldLoad = startLoad({ client: 'old-key', concurrency: 4, send: send(oldClient) });
    await sleep(1_000);

    // Rotate: the old key becomes the previous one, the new key the current one.
    replaceFile(previousFile, oldKeys.privatePem);
    replaceFile(currentFile, newKeys.privatePem);
    const rotated = await reload();
    expect(rotated.status).toBe(200);
    expect(rotated.body.fingerprints).toHaveLength(2);

    const newLoad = startLoad({ client: 'new-key', concurrency: 4, send: send(newClient) });
    await sleep(1_000);
    server.child.kill('SIGHUP'); // reloading again, the other way, changes nothing
    await sleep(1_000);
    const oldRecords = await oldLoad.stop();

    // Retire the old key while new-key traffic goes on.
    unlinkSync(previousFile);
    const retired = await reload();
    expect(retired.status).toBe(200);
    expect(retired.body.fingerprints).toEqual([rotated.body.fingerprints[0]]);
    const lateOld = await Promise.all(Array.from({ length: 10 }, () => send(oldClient)()));
    await sleep(1_000);
    const newRecords = await newLoad.stop();

    expect(oldRecords.length).toBeGreaterThan(0);
    expect(tally(oldRecords)).toEqual({ ok: oldRecords.length });
    expect(newRecords.length).toBeGreaterThan(0);
    expect(tally(newRecords)).toEqual({ ok: newRecords.length });
    expect(lateOld.map((reply) => reply.status)).toEqual(Array(10).fill(421));
    // Some old-key requests were answered after the rotation, through the previous key.
    const rotatedAt = Math.min(...newRecords.map((r) => r.startedAt));
    expect(oldRecords.filter((r) => r.startedAt > rotatedAt).length).toBeGreaterThan(0);
  }, 90_000);
});
