import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { FlowMedia } from '../../src/flow-media/index.js';
import { MediaQueue } from '../../src/flow-media/media-queue.js';
import { FlowSessions } from '../../src/flows-core/sessions/flow-sessions.service.js';
import { signBody } from '../../src/hub-signature/index.js';
import { nfmReply } from '../kit/whatsapp-notifications.js';
import { encryptMedia, makeJpeg, makePdf, makePng } from '../kit/whatsapp-media.js';
import { eventually } from '../support/eventually.js';
import { FakeCdn, type CdnFile } from '../support/fake-cdn.js';
import { FakeGraphApi } from '../support/fake-graph-api.js';
import { serveCloudMedia, type CloudMedia } from '../support/fake-graph-media.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, usingRealPostgres, type TestDatabase } from '../support/test-database.js';
import { MediaTestFlowModule } from './fixtures/media-flow.js';
import { makeZipBomb, peakRssGrowth } from './fixtures/zip-bomb.js';

const ACCESS_TOKEN = 'EAAG-test-access-token';

/** A database that outlives one app: a fresh one on DATABASE_URL, else an embedded one on disk. */
async function persistentDatabase(): Promise<TestDatabase> {
  if (usingRealPostgres()) return createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-db-'));
  return { env: { DATABASE_URL: undefined, EMBEDDED_DB_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

describe('flow media in the background: budget, keepLater, restarts, completions', () => {
  let cdn: FakeCdn;
  let graph: FakeGraphApi;
  let mediaDir: string;
  let database: TestDatabase;
  const cloudMedia = new Map<string, CloudMedia>();
  const queuePrefix = `tm${randomUUID().slice(0, 8)}`;
  const start = (env: Record<string, string> = {}) =>
    startTestApp({
      modules: [MediaTestFlowModule],
      database,
      env: {
        QUEUE_PREFIX: queuePrefix,
        FLOW_MEDIA_DIR: mediaDir,
        FLOW_MEDIA_HOSTS: 'localhost',
        // Far above the slow CDN's delays below: those must outlast the response budget, never the download.
        FLOW_MEDIA_TIMEOUT_MS: '15000',
        FLOW_MEDIA_BACKOFF_MS: '300',
        FLOW_MEDIA_MAX_ATTEMPTS: '4',
        FLOW_MEDIA_DEV_ALLOW_LOOPBACK: 'true',
        FLOW_MEDIA_DEV_CA_FILE: cdn.caFile,
        GRAPH_API_BASE_URL: graph.url,
        WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
        ...env,
      },
    });
  const upload = (plaintext: Buffer, fileName: string, serve: Omit<CdnFile, 'body'> = {}) => {
    const path = `/v/t62/${randomUUID()}.enc`;
    const encrypted = encryptMedia(plaintext, { fileName, cdnUrl: cdn.url(path) });
    cdn.put(path, { body: encrypted.cdnFile, ...serve });
    return { ...encrypted, path };
  };
  /**
   * A pending keepLater row as a process killed while fetching it leaves it: each attempt was counted
   * before the download and never recorded an outcome, `attempts` times.
   */
  const crashedRow = async (test: TestApp, fileName: string, attempts: number) => {
    const token = `t-${randomUUID()}`;
    const file = upload(makePdf(), fileName);
    const reference = { kind: 'data_exchange', object: file.object, allow: ['application/pdf'] };
    const [{ id }] = await test.app.get(DataSource).query(
      `INSERT INTO flow_media (flow, flow_token, screen, field, source, media_id, file_name, status, reference, attempts)
         VALUES ('media', $1, 'LATER', 'files', 'data_exchange', $2, $3, 'pending', $4::jsonb, $5) RETURNING id`,
      [token, file.object.media_id, fileName, JSON.stringify(reference), attempts],
    );
    return { id: id as string, token, file };
  };
  const rows = (test: TestApp, token: string) =>
    test.app.get(DataSource).query(`SELECT * FROM flow_media WHERE flow_token = $1 ORDER BY file_name`, [token]);

  beforeAll(async () => {
    cdn = await new FakeCdn().start();
    graph = await new FakeGraphApi().start();
    serveCloudMedia(graph, cloudMedia);
    mediaDir = mkdtempSync(join(tmpdir(), 'flowgate-media-'));
    database = await persistentDatabase();
  });
  afterAll(async () => {
    await cdn?.stop();
    await graph?.stop();
    await database?.drop();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  describe('one server', () => {
    let test: TestApp;
    beforeAll(async () => {
      test = await start({ FLOW_RESPONSE_BUDGET_MS: '600' });
    });
    afterAll(async () => test?.close());

    // Postgres: every file is recorded on its own connection, so what was verified is kept whatever
    // the request's fate. The embedded database serves one transaction at a time: a file verified
    // while the request still held it is rolled back with the abandoned request (its bytes stay in
    // the store, and the retry takes them from there); one verified after the abandonment is kept.
    it('past the response budget the user gets "try again"; what was verified is kept and the retry answers from it', async () => {
      const token = `t-${randomUUID()}`;
      const quick = upload(makePng(), 'quick.png');
      const slow = upload(makeJpeg(), 'slow.jpg', { delayMs: 1_500 });
      const first = await test.client.dataExchange('media', token, 'PHOTOS', { photos: [quick.object, slow.object] });
      expect(first.json).toMatchObject({
        screen: 'PHOTOS',
        data: { error_message: 'This is taking longer than usual. Please try again in a moment.' },
      });
      const stored = (found: any[], name: string) => found.some((row) => row.file_name === name && row.status === 'stored');
      // Both downloads settled: the slow one stored, nothing of this server still downloading or storing.
      const media = test.app.get(FlowMedia) as unknown as { inFlight: Map<string, unknown> };
      const kept = await eventually(
        async () => ({ found: await rows(test, token), busy: media.inFlight.size }),
        ({ found, busy }) => busy === 0 && stored(found, 'slow.jpg'),
      ).then((state) => state.found);
      expect(stored(kept, 'slow.jpg')).toBe(true);
      if (usingRealPostgres()) expect(stored(kept, 'quick.png')).toBe(true);
      const retry = await test.client.dataExchange('media', token, 'PHOTOS', { photos: [quick.object, slow.object] });
      expect(retry.json).toEqual({ screen: 'RESULT', data: { count: 2, types: 'image/png, image/jpeg' } });
      expect(cdn.requestsFor(slow.path)).toHaveLength(1);
      // Verified once, never downloaded again: on the embedded database too, where its row may have been
      // rolled back with the abandoned request (its bytes stay in the store).
      expect(cdn.requestsFor(quick.path)).toHaveLength(1);
      expect((await rows(test, token)).map((row: any) => row.content_type)).toEqual(['image/png', 'image/jpeg']);
    });

    it('keepLater answers at once, and the background job fetches, retries a failing CDN, and gives up on a missing file', async () => {
      const token = `t-${randomUUID()}`;
      const pdf = upload(makePdf(), 'a-receipt.pdf', { status: 503, times: 2 });
      const gone = upload(makePng(), 'b-gone.png', { status: 404 });
      const wrong = upload(Buffer.from('plain text, not a picture\n'), 'c-note.png');
      const reply = await test.client.dataExchange('media', token, 'LATER', { files: [pdf.object, gone.object, wrong.object] });
      expect(reply.json).toEqual({ screen: 'RESULT', data: { count: 3, types: 'pending' } });

      const media = test.app.get(FlowMedia);
      const done = await eventually(
        () => media.arrived(token),
        (arrival) => arrival.pending === 0,
      );
      expect(done).toMatchObject({ complete: false, stored: 1, failed: 2 });
      const found = await rows(test, token);
      expect(found.map((row: any) => [row.file_name, row.status, row.content_type, row.error?.split(':')[0] ?? null, row.reference])).toEqual([
        ['a-receipt.pdf', 'stored', 'application/pdf', null, null],
        ['b-gone.png', 'failed', null, 'not_found', null],
        ['c-note.png', 'failed', null, 'type_refused', null],
      ]);
      expect(found[0].attempts).toBe(3);
      expect(readFileSync(join(mediaDir, pdf.sha256.slice(0, 2), pdf.sha256)).equals(pdf.plaintext)).toBe(true);
      // A missing file is not retried.
      expect(cdn.requestsFor(gone.path)).toHaveLength(1);
    });

    it('a background download counts its attempt before fetching: the count survives a process killed mid-download', async () => {
      // Read while the CDN still holds its answer (checked after the read; a loaded machine may need another go).
      for (let go = 1; ; go++) {
        const token = `t-${randomUUID()}`;
        const file = upload(makePdf(), 'counted.pdf', { delayMs: 1_000 });
        await test.client.dataExchange('media', token, 'LATER', { files: [file.object] });
        await eventually(
          async () => cdn.requestsFor(file.path).length,
          (n) => n >= 1,
        );
        const [during] = await rows(test, token);
        if (cdn.requestsFor(file.path)[0].bytesSent > 0 && go < 5) continue;
        expect(cdn.requestsFor(file.path)[0].bytesSent).toBe(0);
        expect(during).toMatchObject({ status: 'pending', attempts: 1 });
        const [after] = await eventually(
          () => rows(test, token),
          (list) => list[0]?.status === 'stored',
        );
        expect(after.attempts).toBe(1);
        break;
      }
    });

    it('a file whose attempts all killed the worker is failed when its job runs again, never downloaded again', async () => {
      const crashed = await crashedRow(test, 'killer.pdf', 4);
      // BullMQ hands a stalled job (its worker died) to the next worker.
      await test.app.get(MediaQueue).enqueue([crashed.id]);
      const [row] = await eventually(
        () => rows(test, crashed.token),
        (list) => list[0]?.status !== 'pending',
      );
      expect(row).toMatchObject({ status: 'failed', attempts: 4, reference: null });
      expect(row.error).toMatch(/^unavailable: gave up after 4 attempts/);
      expect(cdn.requestsFor(crashed.file.path)).toHaveLength(0);
    });

    it("keepLater caps a file at its picker's max-file-size-kb (256 KiB here): a larger one fails too_large", async () => {
      const token = `t-${randomUUID()}`;
      const big = upload(Buffer.concat([makePdf(), Buffer.alloc(300 * 1024, 0x20)]), 'big.pdf');
      await test.client.dataExchange('media', token, 'LATER', { files: [big.object] });
      const [row] = await eventually(
        () => rows(test, token),
        (list) => list[0]?.status !== 'pending',
      );
      expect(row).toMatchObject({ status: 'failed', attempts: 1, reference: null });
      expect(row.error).toMatch(/^too_large: .*over the 262170-byte limit/);
    });

    it('a ZIP bomb picked for the background (200 KiB inflating to 200 MiB) fails type_refused once, memory flat', async () => {
      const token = `t-${randomUUID()}`;
      const bomb = upload(await makeZipBomb(200 * 1024 * 1024), 'receipt.pdf');
      const { result: row, growth } = await peakRssGrowth(async () => {
        await test.client.dataExchange('media', token, 'LATER', { files: [bomb.object] });
        const [settled] = await eventually(
          () => rows(test, token),
          (list) => list[0]?.status !== 'pending',
        );
        return settled;
      });
      expect(row).toMatchObject({ status: 'failed', attempts: 1, reference: null });
      expect(row.error).toMatch(/^type_refused: detected application\/zip/);
      expect(cdn.requestsFor(bomb.path)).toHaveLength(1);
      expect(growth).toBeLessThan(48 * 1024 * 1024);
    });

    it('keepLater refuses bad references at once, with a message on the screen and nothing recorded', async () => {
      const token = `t-${randomUUID()}`;
      const file = upload(makePdf(), 'x.pdf');
      const broken = structuredClone(file.object) as any;
      broken.encryption_metadata.hmac_key = 'c2hvcnQ=';
      const reply = await test.client.dataExchange('media', token, 'LATER', { files: [broken] });
      expect(reply.json).toMatchObject({ screen: 'LATER', data: { error_message: expect.stringMatching(/hmac_key must be 32 bytes/) } });
      expect(await rows(test, token)).toEqual([]);
    });

    describe('completion media (nfm_reply)', () => {
      const post = (body: unknown) => {
        const bytes = Buffer.from(JSON.stringify(body));
        return fetch(`${test.url}/webhooks/whatsapp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(bytes, test.appSecret) },
          body: bytes,
        });
      };
      /** A file the Cloud API serves decrypted, behind the access token, with its hex SHA-256. */
      const cloudFile = (plaintext: Buffer, mime: string, sha256?: string) => {
        const id = String(Math.floor(Math.random() * 1e15));
        const path = `/whatsapp_business/attachments/${id}`;
        const url = cdn.put(path, { body: plaintext, bearer: ACCESS_TOKEN });
        const hex = createHash('sha256').update(plaintext).digest();
        cloudMedia.set(id, { url, mime_type: mime, sha256: sha256 ?? hex.toString('hex'), file_size: plaintext.length });
        return { id, path, plaintext, sha256: hex.toString('hex'), base64: hex.toString('base64') };
      };

      it('fetches them through the media endpoint with the access token, checks sha256, and stores them once even when Meta delivers twice', async () => {
        const { token } = await test.app.get(FlowSessions).issue('media', { phone: '351910000000' });
        const photo = cloudFile(makePng(), 'image/png');
        const receipt = cloudFile(makePdf(), 'application/pdf');
        const notification = nfmReply(token, {
          name: 'Maria',
          photos: [{ file_name: 'IMG_1.png', mime_type: 'image/png', sha256: photo.base64, id: photo.id }],
          receipt: [{ file_name: 'receipt.pdf', mime_type: 'application/pdf', sha256: receipt.base64, id: receipt.id }],
        });
        expect((await post(notification)).status).toBe(200);
        expect((await post(notification)).status).toBe(200);
        const found = await eventually(
          () => rows(test, token),
          (list) => list.length === 2 && list.every((row: any) => row.status === 'stored'),
        );
        expect(found.map((row: any) => [row.field, row.source, row.file_name, row.content_type, row.sha256, row.message_id])).toEqual([
          ['photos', 'completion', 'IMG_1.png', 'image/png', photo.sha256, notification.entry[0].changes[0].value.messages[0].id],
          ['receipt', 'completion', 'receipt.pdf', 'application/pdf', receipt.sha256, notification.entry[0].changes[0].value.messages[0].id],
        ]);
        expect(graph.requests.filter((r) => r.path === `/${photo.id}`).map((r) => r.headers.authorization)).toEqual([`Bearer ${ACCESS_TOKEN}`]);
        expect(cdn.requestsFor(photo.path).map((r) => r.authorization)).toEqual([`Bearer ${ACCESS_TOKEN}`]);
      });

      it('refuses a completion file whose bytes do not match its sha256, and one the media endpoint does not know', async () => {
        const { token } = await test.app.get(FlowSessions).issue('media');
        const forged = cloudFile(makePng(), 'image/png', 'ab'.repeat(32));
        await post(
          nfmReply(token, {
            photos: [
              { file_name: 'forged.png', mime_type: 'image/png', sha256: forged.base64, id: forged.id },
              { file_name: 'unknown.png', mime_type: 'image/png', sha256: forged.base64, id: '999999999999' },
            ],
          }),
        );
        const found = await eventually(
          () => rows(test, token),
          (list) => list.length === 2 && list.every((row: any) => row.status === 'failed'),
        );
        expect(found.map((row: any) => [row.file_name, row.error.split(':')[0], row.storage_key])).toEqual([
          ['forged.png', 'hash_mismatch', null],
          ['unknown.png', 'not_found', null],
        ]);
      });
    });
  });

  it('keepLater survives a restart of the server between the request and the download', async () => {
    const first = await start({});
    const token = `t-${randomUUID()}`;
    // The CDN fails the first attempt; the retry is due after the server is gone.
    const file = upload(makePdf(), 'later.pdf', { status: 503, times: 1 });
    const reply = await first.client.dataExchange('media', token, 'LATER', { files: [file.object] });
    expect(reply.json).toEqual({ screen: 'RESULT', data: { count: 1, types: 'pending' } });
    await eventually(
      async () => cdn.requestsFor(file.path).length,
      (n) => n >= 1,
    );
    await first.close();

    const second = await start({});
    try {
      const [row] = await eventually(
        () => rows(second, token),
        (list) => list[0]?.status === 'stored',
      );
      expect(row).toMatchObject({ status: 'stored', content_type: 'application/pdf', sha256: file.sha256, reference: null });
      expect(readFileSync(join(mediaDir, file.sha256.slice(0, 2), file.sha256)).equals(file.plaintext)).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('at boot, rows whose attempts are used up are failed without a download and stale .incoming leftovers are removed', async () => {
    const first = await start({});
    const crashed = await crashedRow(first, 'crashed.pdf', 4);
    const spare = await crashedRow(first, 'spare.pdf', 2);
    await first.close();
    // What a killed process leaves in .incoming: an old partial download; a fresh one may be a sibling worker's.
    mkdirSync(join(mediaDir, '.incoming'), { recursive: true });
    const stale = join(mediaDir, '.incoming', `${randomUUID()}.part`);
    const fresh = join(mediaDir, '.incoming', `${randomUUID()}.part`);
    writeFileSync(stale, Buffer.alloc(4096, 7));
    writeFileSync(fresh, Buffer.alloc(4096, 7));
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(stale, hourAgo, hourAgo);

    const second = await start({});
    try {
      const [row] = await eventually(
        () => rows(second, crashed.token),
        (list) => list[0]?.status === 'failed',
      );
      expect(row).toMatchObject({ status: 'failed', attempts: 4, reference: null });
      expect(cdn.requestsFor(crashed.file.path)).toHaveLength(0);
      // A row with attempts left is fetched, once more.
      const [other] = await eventually(
        () => rows(second, spare.token),
        (list) => list[0]?.status === 'stored',
      );
      expect(other.attempts).toBe(3);
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(fresh)).toBe(true);
    } finally {
      rmSync(fresh, { force: true });
      await second.close();
    }
  });

  it('without the test setting, the local CDN (a loopback address) is refused', async () => {
    const strict = await start({ FLOW_MEDIA_DEV_ALLOW_LOOPBACK: 'false' });
    try {
      const token = `t-${randomUUID()}`;
      const file = upload(makePng(), 'local.png');
      const reply = await strict.client.dataExchange('media', token, 'PHOTOS', { photos: [file.object] });
      expect(reply.json).toMatchObject({
        screen: 'PHOTOS',
        data: { error_message: '"local.png" could not be fetched from WhatsApp. Please attach it again.' },
      });
      expect(cdn.requestsFor(file.path)).toHaveLength(0);
      expect(await rows(strict, token)).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});
