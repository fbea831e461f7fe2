import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import { encryptMedia, makePdf, makePng, type EncryptedMedia } from '../kit/whatsapp-media.js';
import { eventually } from '../support/eventually.js';
import { FakeCdn, type CdnFile } from '../support/fake-cdn.js';
import { freePort } from '../support/free-port.js';
import { startServer, type RunningServer } from '../support/server-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The built server at LOG_LEVEL=debug, walking the returns flow with good and refused files: its
 * log never holds a CDN link's signature, a key, a hash of the media or the files' contents.
 */
describe('media and the logs', () => {
  const keys = generateTestKeyPair();
  const appSecret = generateAppSecret();
  const ADMIN_TOKEN = 'admin-token-media-logs-0123456789';
  let cdn: FakeCdn;
  let database: TestDatabase;
  let server: RunningServer;
  let client: FlowTestClient;
  let mediaDir: string;
  const sent: EncryptedMedia[] = [];

  const upload = (plaintext: Buffer, fileName: string, serve: Omit<CdnFile, 'body'> = {}) => {
    const path = `/v/t62/${randomUUID()}.enc`;
    const encrypted = encryptMedia(plaintext, { fileName, cdnUrl: cdn.url(path) });
    cdn.put(path, { body: encrypted.cdnFile, ...serve });
    sent.push(encrypted);
    return encrypted.object;
  };

  beforeAll(async () => {
    cdn = await new FakeCdn().start();
    database = await createTestDatabase();
    mediaDir = mkdtempSync(join(tmpdir(), 'flowgate-media-logs-'));
    server = await startServer(
      {
        ...database.env,
        DEMO_DATA: 'true',
        LOG_LEVEL: 'debug',
        WHATSAPP_APP_SECRET: appSecret,
        FLOW_PRIVATE_KEY: keys.privatePem,
        FLOW_PRIVATE_KEY_PASSPHRASE: keys.passphrase,
        ADMIN_TOKEN,
        FLOW_MEDIA_DIR: mediaDir,
        FLOW_MEDIA_HOSTS: 'localhost',
        FLOW_MEDIA_TIMEOUT_MS: '1000',
        FLOW_MEDIA_BACKOFF_MS: '100',
        FLOW_MEDIA_MAX_ATTEMPTS: '2',
        FLOW_MEDIA_DEV_ALLOW_LOOPBACK: 'true',
        FLOW_MEDIA_DEV_CA_FILE: cdn.caFile,
      },
      await freePort(),
      90_000,
    );
    client = new FlowTestClient({ baseUrl: server.url, publicKey: keys.publicPem, appSecret });

    const token = `returns-${randomUUID()}`;
    await client.init('returns', token);
    await client.dataExchange('returns', token, 'CHOOSE', { product_id: 'PROD-99', problem: 'broken' });
    // Refused on the way: damaged, missing, too slow, a PDF as a photo, a redirect to a private address.
    const damaged = upload(makePng(), 'damaged.png');
    damaged.encryption_metadata.plaintext_hash = damaged.encryption_metadata.encrypted_hash;
    for (const photos of [
      [damaged],
      [upload(makePng(), 'gone.png', { status: 404 })],
      [upload(makePng(), 'slow.png', { delayMs: 1_500 })],
      [upload(makePdf(), 'doc.png')],
      [upload(makePng(), 'redirected.png', { redirectTo: 'https://10.1.1.1/x' })],
    ]) {
      expect((await client.dataExchange('returns', token, 'PHOTOS', { photos })).json.data.error_message).toBeDefined();
    }
    expect((await client.dataExchange('returns', token, 'PHOTOS', { photos: [upload(makePng(), 'kept.png')] })).json.screen).toBe('RECEIPT');
    // A receipt the background job gives up on, retrying first.
    const done = await client.dataExchange('returns', token, 'RECEIPT', { receipt: [upload(makePdf(), 'receipt.pdf', { status: 503 })] });
    expect(done.json.screen).toBe('SUCCESS');
    const files = async () =>
      (
        (await (await fetch(`${server.url}/admin/media?flow_token=${token}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as {
          files: Array<{ status: string }>;
        }
      ).files;
    const settled = await eventually(files, (list) => list.some((file) => file.status === 'failed'), 60_000);
    expect(settled.map((file) => file.status).sort()).toEqual(['failed', 'stored']);
    // The line is written just after the row changes: wait for it to reach the pipe.
    await eventually(
      async () => server.output(),
      (log) => log.includes('Gave up media'),
      10_000,
    );
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await cdn?.stop();
    await database?.drop();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  it('says what was refused and why', () => {
    const log = server.output();
    expect(log).toMatch(/Refused photos on flow \\?"returns\\?" \(hash_mismatch\)/);
    expect(log).toMatch(/\(not_found\)/);
    expect(log).toMatch(/\(timeout\)/);
    expect(log).toMatch(/\(type_refused\)/);
    expect(log).toMatch(/\(host_refused\)/);
    expect(log).toMatch(/Gave up media [0-9a-f-]+ \(unavailable\)/);
  });

  it('holds no CDN signature, key, media hash or file content', () => {
    const log = server.output();
    expect(log).not.toContain('_nc_sig');
    expect(log).not.toContain('SECRETSIGNATURE');
    for (const file of sent) {
      for (const value of Object.values(file.object.encryption_metadata)) expect(log).not.toContain(value);
      expect(log).not.toContain(file.plaintext.subarray(0, 16).toString('latin1'));
    }
    expect(log).not.toContain('%PDF');
  });
});
