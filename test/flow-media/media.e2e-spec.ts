import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { encryptMedia, makeJpeg, makePdf, makePng, type EncryptedMedia, type MediaObject } from '../kit/whatsapp-media.js';
import { MEDIA_STORAGE, type MediaStorage } from '../../src/flow-media/index.js';
import { eventually, within } from '../support/eventually.js';
import { FakeCdn } from '../support/fake-cdn.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { MediaTestFlowModule } from './fixtures/media-flow.js';
import { makeZipBomb, peakRssGrowth } from './fixtures/zip-bomb.js';

const ADMIN_TOKEN = 'admin-token-media-0123456789';
const MAX_BYTES = 256 * 1024;

describe('flow media: keep, verified downloads and every bad input', () => {
  let cdn: FakeCdn;
  let test: TestApp;
  let db: DataSource;
  let mediaDir: string;

  /** A file encrypted like WhatsApp's phone does, placed on the CDN. */
  const upload = (
    plaintext: Buffer,
    fileName: string,
    serve: (encrypted: EncryptedMedia) => Parameters<FakeCdn['put']>[1] = (e) => ({ body: e.cdnFile }),
  ) => {
    const path = `/v/t62.7118-24/${randomUUID()}.enc`;
    const encrypted = encryptMedia(plaintext, { fileName, cdnUrl: cdn.url(path) });
    cdn.put(path, serve(encrypted));
    return { ...encrypted, path };
  };
  const send = (token: string, screen: string, data: Record<string, unknown>) => test.client.dataExchange('media', token, screen, data);
  const rows = (token: string) => db.query(`SELECT * FROM flow_media WHERE flow_token = $1 ORDER BY created_at`, [token]);
  const admin = (path: string) => fetch(`${test.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const metric = async (result: string) => {
    const text = await (await fetch(`${test.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`flowgate_media_downloads_total{source="data_exchange",result="${result}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  beforeAll(async () => {
    cdn = await new FakeCdn().start();
    mediaDir = mkdtempSync(join(tmpdir(), 'flowgate-media-'));
    test = await startTestApp({
      modules: [MediaTestFlowModule],
      env: {
        ADMIN_TOKEN,
        FLOW_MEDIA_DIR: mediaDir,
        FLOW_MEDIA_HOSTS: 'localhost,10.255.255.1,169.254.169.254,*.whatsapp.net',
        FLOW_MEDIA_MAX_BYTES: String(MAX_BYTES),
        // Every download here must finish within it on a loaded machine; the slow CDN below waits longer.
        FLOW_MEDIA_TIMEOUT_MS: '3000',
        FLOW_MEDIA_DEV_ALLOW_LOOPBACK: 'true',
        FLOW_MEDIA_DEV_CA_FILE: cdn.caFile,
        // A session whose refused files passed 1 MiB in the hour gets no more downloads.
        FLOW_MEDIA_TOKEN_REFUSED_BYTES: String(1024 * 1024),
        // This suite is about what is kept and refused, not time (media-background tests the budget):
        // 30 photos on a loaded machine's embedded database may take longer than the default 3 s.
        FLOW_RESPONSE_BUDGET_MS: '8000',
      },
    });
    db = test.app.get(DataSource);
  });
  afterAll(async () => {
    await test?.close();
    await cdn?.stop();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  describe('round trips', () => {
    it('keeps real PNG and JPEG photos: decrypted, verified, typed from their bytes, stored once by content', async () => {
      const token = `t-${randomUUID()}`;
      const png = upload(makePng(16, 16), 'IMG_0001.png');
      const jpeg = upload(makeJpeg(), 'IMG_0002.jpg');
      const reply = await send(token, 'PHOTOS', { photos: [png.object, jpeg.object] });
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ screen: 'RESULT', data: { count: 2, types: 'image/png, image/jpeg' } });

      const stored = (await rows(token)).sort((a: any, b: any) => a.file_name.localeCompare(b.file_name));
      expect(
        stored.map((row: any) => [row.field, row.screen, row.file_name, row.content_type, row.size, row.sha256, row.status, row.reference]),
      ).toEqual([
        ['photos', 'PHOTOS', 'IMG_0001.png', 'image/png', png.plaintext.length, png.sha256, 'stored', null],
        ['photos', 'PHOTOS', 'IMG_0002.jpg', 'image/jpeg', jpeg.plaintext.length, jpeg.sha256, 'stored', null],
      ]);
      for (const file of [png, jpeg]) {
        const onDisk = join(mediaDir, file.sha256.slice(0, 2), file.sha256);
        expect(readFileSync(onDisk).equals(file.plaintext)).toBe(true);
      }
      // No temporary file is left behind.
      expect(readdirSync(join(mediaDir, '.incoming'))).toEqual([]);
    });

    it('keeps a real PDF from a DocumentPicker', async () => {
      const token = `t-${randomUUID()}`;
      const pdf = upload(makePdf(), 'receipt.pdf');
      const reply = await send(token, 'DOCS', { docs: [pdf.object] });
      expect(reply.json).toEqual({ screen: 'RESULT', data: { count: 1, types: 'application/pdf' } });
      const [row] = await rows(token);
      expect(row).toMatchObject({ content_type: 'application/pdf', sha256: pdf.sha256, storage_key: pdf.sha256, status: 'stored', reference: null });
    });

    it('stores the same file uploaded twice (new keys, same bytes) once on disk, with a row for each upload', async () => {
      const token = `t-${randomUUID()}`;
      const bytes = makePng();
      const first = upload(bytes, 'a.png');
      const second = upload(bytes, 'b.png');
      const reply = await send(token, 'PHOTOS', { photos: [first.object, second.object] });
      expect(reply.json.screen).toBe('RESULT');
      const stored = await rows(token);
      expect(stored).toHaveLength(2);
      expect(new Set(stored.map((row: any) => row.storage_key))).toEqual(new Set([first.sha256]));
    });

    it('answers a retried request from what it kept, without downloading again', async () => {
      const token = `t-${randomUUID()}`;
      const png = upload(makePng(), 'again.png');
      await send(token, 'PHOTOS', { photos: [png.object] });
      const again = await send(token, 'PHOTOS', { photos: [png.object] });
      expect(again.json).toEqual({ screen: 'RESULT', data: { count: 1, types: 'image/png' } });
      expect(cdn.requestsFor(png.path)).toHaveLength(1);
      expect(await rows(token)).toHaveLength(1);
    });

    it('keeps 30 photos at once (the most a PhotoPicker sends), downloading a few at a time', async () => {
      const token = `t-${randomUUID()}`;
      const photos = Array.from({ length: 30 }, (_, i) => upload(makePng(4, 4), `p${i}.png`));
      const reply = await send(token, 'PHOTOS', { photos: photos.map((p) => p.object) });
      expect(reply.json).toMatchObject({ screen: 'RESULT', data: { count: 30 } });
      expect(await rows(token)).toHaveLength(30);
    });

    it('a refused field never removes a file another session is keeping (same bytes, stored at the same moment)', async () => {
      const bytes = makePng();
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const refusedToken = `t-${randomUUID()}`;
      const keptToken = `t-${randomUUID()}`;
      // Session one keeps the photo, then its second file turns out missing: the field is given up.
      const first = upload(bytes, 'shared.png');
      const missing = upload(makePng(), 'missing.png', () => ({ status: 404, delayMs: 900 }));
      const refusal = send(refusedToken, 'PHOTOS', { photos: [first.object, missing.object] });
      await eventually(
        () => rows(refusedToken),
        (found) => found.length === 1,
      );
      // Session two stores the same bytes (new keys) and is held between writing the file and its row
      // until session one has given up (or, when that waits for session two, for 1.5 s).
      const storage = test.app.get<MediaStorage>(MEDIA_STORAGE);
      const put = storage.put.bind(storage);
      storage.put = async (key, file, info) => {
        await put(key, file, info);
        if (key === sha256) await within(refusal, 1_500, undefined);
      };
      try {
        const second = upload(bytes, 'same-again.png');
        const [given, kept] = await Promise.all([refusal, send(keptToken, 'PHOTOS', { photos: [second.object] })]);
        expect(given.json.data.error_message).toMatch(/"missing.png" is no longer available/);
        expect(kept.json).toEqual({ screen: 'RESULT', data: { count: 1, types: 'image/png' } });
      } finally {
        storage.put = put;
      }
      expect(await rows(refusedToken)).toEqual([]);
      const [row] = await rows(keptToken);
      expect(row).toMatchObject({ status: 'stored', storage_key: sha256 });
      expect(readFileSync(join(mediaDir, sha256.slice(0, 2), sha256)).equals(bytes)).toBe(true);
    });

    it("lists a session's files and streams one through the admin API, which is in the OpenAPI document", async () => {
      const token = `t-${randomUUID()}`;
      const png = upload(makePng(), 'shown.png');
      await send(token, 'PHOTOS', { photos: [png.object] });
      const list = await admin(`/admin/media?flow_token=${encodeURIComponent(token)}`);
      expect(list.status).toBe(200);
      const { files } = (await list.json()) as { files: any[] };
      expect(files).toEqual([
        expect.objectContaining({ field: 'photos', fileName: 'shown.png', contentType: 'image/png', sha256: png.sha256, status: 'stored' }),
      ]);
      expect(JSON.stringify(files)).not.toMatch(/encryption|hmac|_nc_sig/);

      const file = await admin(`/admin/media/${files[0].id}`);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('image/png');
      expect(file.headers.get('content-disposition')).toBe('attachment; filename="shown.png"');
      expect(Buffer.from(await file.arrayBuffer()).equals(png.plaintext)).toBe(true);

      expect((await fetch(`${test.url}/admin/media/${files[0].id}`)).status).toBe(401);
      expect((await admin(`/admin/media/${randomUUID()}`)).status).toBe(404);
      expect((await admin(`/admin/media/not-a-uuid`)).status).toBe(400);
      expect((await admin(`/admin/media`)).status).toBe(400);
      const docs = (await (await admin('/admin/docs')).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/admin/media', '/admin/media/{id}']));
    });

    it('counts downloads and bytes in the metrics', async () => {
      const before = await metric('ok');
      const token = `t-${randomUUID()}`;
      await send(token, 'PHOTOS', { photos: [upload(makePng(), 'm.png').object] });
      expect(await metric('ok')).toBe(before + 1);
      const text = await (await fetch(`${test.url}/metrics`)).text();
      expect(text).toMatch(/flowgate_media_bytes_total\{source="data_exchange"\} [1-9]/);
      expect(text).toMatch(/flowgate_media_download_seconds_count\{source="data_exchange"\} [1-9]/);
    });
  });

  describe('bad input: a clear message on the current screen, nothing stored', () => {
    /** Sends `photos` to PHOTOS and checks the answer stays there with `message`, and that nothing was kept. */
    const refused = async (photos: unknown, message: RegExp, screen = 'PHOTOS', field = 'photos') => {
      const token = `t-${randomUUID()}`;
      const reply = await send(token, screen, { [field]: photos });
      expect(reply.status).toBe(200);
      expect(reply.json.screen).toBe(screen);
      expect(reply.json.data.error_message).toMatch(message);
      expect(await rows(token)).toEqual([]);
      return reply;
    };
    const tamperedFile = (change: (file: Buffer) => Buffer) => upload(makePng(), 'IMG_9.png', (e) => ({ body: change(Buffer.from(e.cdnFile)) }));

    it('a CDN file that does not match encrypted_hash', async () => {
      const before = await metric('hash_mismatch');
      const file = tamperedFile((bytes) => {
        bytes[3] ^= 1;
        return bytes;
      });
      await refused([file.object], /"IMG_9.png" arrived damaged/);
      expect(await metric('hash_mismatch')).toBe(before + 1);
    });

    it('a forged file whose encrypted_hash matches but whose MAC does not', async () => {
      const before = await metric('mac_mismatch');
      const file = upload(makePng(), 'IMG_9.png');
      const forged = Buffer.from(file.cdnFile);
      forged[0] ^= 0xff;
      cdn.put(file.path, { body: forged });
      const object = structuredClone(file.object);
      object.encryption_metadata.encrypted_hash = createHash('sha256').update(forged).digest('base64');
      await refused([object], /arrived damaged/);
      expect(await metric('mac_mismatch')).toBe(before + 1);
    });

    it('a file whose MAC is right but whose plaintext does not match plaintext_hash', async () => {
      const file = upload(makePng(), 'IMG_9.png');
      const object = structuredClone(file.object);
      object.encryption_metadata.plaintext_hash = createHash('sha256').update('something else').digest('base64');
      await refused([object], /arrived damaged/);
    });

    it('keys of the wrong length (never downloaded)', async () => {
      const file = upload(makePng(), 'IMG_9.png');
      for (const [key, bytes] of [
        ['encryption_key', 16],
        ['hmac_key', 31],
        ['iv', 12],
      ] as const) {
        const object = structuredClone(file.object) as any;
        object.encryption_metadata[key] = Buffer.alloc(bytes, 7).toString('base64');
        await refused([object], new RegExp(`photos\\[0\\]\\.encryption_metadata\\.${key} must be \\d+ bytes, got ${bytes}`));
      }
      expect(cdn.requestsFor(file.path)).toHaveLength(0);
    });

    it('a truncated file', async () => {
      const file = tamperedFile((bytes) => bytes.subarray(0, bytes.length - 7));
      await refused([file.object], /arrived damaged/);
    });

    it('a file the CDN no longer has (404)', async () => {
      const file = upload(makePng(), 'gone.png', () => ({ status: 404 }));
      await refused([file.object], /"gone.png" is no longer available/);
    });

    it('a CDN too slow to answer within FLOW_MEDIA_TIMEOUT_MS', async () => {
      const before = await metric('timeout');
      const file = upload(makePng(), 'slow.png', (e) => ({ body: e.cdnFile, delayMs: 3_500 }));
      await refused([file.object], /"slow.png" is taking too long/);
      expect(await metric('timeout')).toBe(before + 1);
    });

    it('a file over FLOW_MEDIA_MAX_BYTES, refused while it streams (the rest is never read)', async () => {
      const big = Buffer.alloc(16 * 1024 * 1024, 1);
      const file = upload(makePng(), 'huge.png', () => ({ body: big, noContentLength: true, chunkBytes: 16 * 1024, chunkDelayMs: 2 }));
      await refused([file.object], /"huge.png" is too large/);
      const [request] = cdn.requestsFor(file.path);
      expect(request.clientAborted).toBe(true);
      expect(request.bytesSent).toBeLessThan(4 * 1024 * 1024);
    });

    it("the picker's own max-file-size-kb (64) is the cap when lower than FLOW_MEDIA_MAX_BYTES (256 KiB)", async () => {
      const padded = (kib: number) => Buffer.concat([makePdf(), Buffer.alloc(kib * 1024, 0x20)]);
      const big = upload(padded(100), 'scan.pdf', (e) => ({ body: e.cdnFile, noContentLength: true, chunkBytes: 8 * 1024, chunkDelayMs: 1 }));
      await refused([big.object], /"scan.pdf" is too large/, 'SMALL', 'small');
      const [request] = cdn.requestsFor(big.path);
      expect(request.clientAborted).toBe(true);
      // Stopped at the picker's limit, not at FLOW_MEDIA_MAX_BYTES.
      expect(request.bytesSent).toBeLessThan(100 * 1024);
      const fits = upload(padded(60), 'fits.pdf');
      const reply = await send(`t-${randomUUID()}`, 'SMALL', { small: [fits.object] });
      expect(reply.json).toEqual({ screen: 'RESULT', data: { count: 1, types: 'application/pdf' } });
    });

    it('a file that declares a size over the cap is refused before its body is read', async () => {
      const file = upload(makePng(), 'declared.png', () => ({ body: Buffer.alloc(MAX_BYTES + 1) }));
      await refused([file.object], /is too large/);
    });

    it('a host not on FLOW_MEDIA_HOSTS, and an http: URL (never requested)', async () => {
      const file = upload(makePng(), 'IMG_9.png');
      const elsewhere = { ...file.object, cdn_url: 'https://evil.example.com/v/t62/file.enc' };
      await refused([elsewhere], /could not be fetched from WhatsApp/);
      const plain = { ...file.object, cdn_url: cdn.url(file.path).replace('https:', 'http:') };
      await refused([plain], /could not be fetched from WhatsApp/);
      expect(cdn.requestsFor(file.path)).toHaveLength(0);
    });

    it('a redirect to a private or link-local address, even for a host on the list', async () => {
      for (const target of ['https://10.255.255.1/v/file.enc', 'https://169.254.169.254/latest/meta-data']) {
        const file = upload(makePng(), 'IMG_9.png', () => ({ redirectTo: target }));
        await refused([file.object], /could not be fetched from WhatsApp/);
      }
      const direct = upload(makePng(), 'IMG_9.png');
      await refused([{ ...direct.object, cdn_url: 'https://10.255.255.1/v/file.enc' }], /could not be fetched from WhatsApp/);
    });

    it('a content type the field does not allow, read from the bytes whatever the name says', async () => {
      const pdf = upload(makePdf(), 'looks-like-a-photo.jpg');
      await refused([pdf.object], /"looks-like-a-photo.jpg" is not a file type we accept here/);
      const png = upload(makePng(), 'scan.pdf');
      await refused([png.object], /not a file type we accept/, 'DOCS', 'docs');
    });

    it('a ZIP bomb picked as a document (200 KiB whose [Content_Types].xml inflates to 200 MiB): refused unread, memory flat', async () => {
      const bomb = upload(await makeZipBomb(200 * 1024 * 1024), 'contract.docx');
      const { growth } = await peakRssGrowth(() => refused([bomb.object], /"contract.docx" is not a file type we accept here/, 'DOCS', 'docs'));
      expect(cdn.requestsFor(bomb.path)).toHaveLength(1);
      expect(growth).toBeLessThan(64 * 1024 * 1024);
    });

    it('media objects with missing fields or wrong types', async () => {
      const good = upload(makePng(), 'IMG_9.png').object;
      const without = (key: keyof MediaObject) => {
        const copy: any = structuredClone(good);
        delete copy[key];
        return copy;
      };
      await refused('not a list', /photos must be a list of files/);
      await refused([], /at least one file/);
      await refused(['a string'], /photos\[0\] must be a media object/);
      await refused([without('cdn_url')], /photos\[0\]\.cdn_url must be a non-empty string/);
      await refused([without('media_id')], /photos\[0\]\.media_id must be a non-empty string/);
      await refused([without('encryption_metadata')], /photos\[0\]\.encryption_metadata must be an object/);
      await refused([{ ...good, media_id: 42 }], /media_id must be a non-empty string/);
      await refused([{ ...good, encryption_metadata: 'keys' }], /encryption_metadata must be an object/);
      await refused([{ ...good, encryption_metadata: { ...good.encryption_metadata, iv: 'not base64!' } }], /iv must be a base64 string/);
      await refused([{ ...good, cdn_url: 'not a url' }], /cdn_url must be a URL/);
      await refused([good, good], /photos\[1\] is attached twice/);
    });

    it('more files than the field takes (31 at once), refused before any download', async () => {
      const photos = Array.from({ length: 31 }, () => upload(makePng(2, 2), 'many.png'));
      await refused(
        photos.map((p) => p.object),
        /at most 30 files/,
      );
      expect(photos.flatMap((p) => cdn.requestsFor(p.path))).toHaveLength(0);
      const docs = Array.from({ length: 30 }, () => upload(makePdf(), 'many.pdf'));
      await refused(
        docs.map((p) => p.object),
        /at most 5 files/,
        'DOCS',
        'docs',
      );
    });

    it('one bad file among good ones: none of them is kept, and the good one sent again alone is kept', async () => {
      const good = upload(makePng(), 'good.png');
      const bad = upload(makePng(), 'bad.png', () => ({ status: 404 }));
      await refused([good.object, bad.object], /"bad.png" is no longer available/);
      const token = `t-${randomUUID()}`;
      expect((await send(token, 'PHOTOS', { photos: [good.object] })).json).toEqual({ screen: 'RESULT', data: { count: 1, types: 'image/png' } });
      expect(readFileSync(join(mediaDir, good.sha256.slice(0, 2), good.sha256)).equals(good.plaintext)).toBe(true);
    });
  });

  describe('download amplification: small requests naming large files', () => {
    /** A 240 KiB photo on the CDN whose media object carries a forged encrypted_hash: downloaded whole, then refused. */
    const forged = () => {
      // Sent in chunks, so the CDN counts what it wrote before a download was cancelled, not the whole file.
      const file = upload(Buffer.concat([makePng(), Buffer.alloc(240 * 1024 - 200, 1)]), 'IMG_big.png', (e) => ({
        body: e.cdnFile,
        chunkBytes: 32 * 1024,
      }));
      const object = structuredClone(file.object);
      object.encryption_metadata.encrypted_hash = createHash('sha256').update(randomUUID()).digest('base64');
      return { ...file, object };
    };
    const bytesSent = (paths: string[]) => paths.flatMap((path) => cdn.requestsFor(path)).reduce((sum, request) => sum + request.bytesSent, 0);

    it('ten ~2 KB "try again" requests naming the same four forged files download each at most once', async () => {
      const token = `t-${randomUUID()}`;
      const files = Array.from({ length: 4 }, forged);
      const photos = files.map((file) => file.object);
      expect(JSON.stringify({ photos }).length).toBeLessThan(2_200);
      for (let i = 0; i < 10; i++) {
        const reply = await send(token, 'PHOTOS', { photos });
        expect(reply.json.screen).toBe('PHOTOS');
      }
      for (const file of files) expect(cdn.requestsFor(file.path).length).toBeLessThanOrEqual(1);
      expect(bytesSent(files.map((file) => file.path))).toBeLessThanOrEqual(files.reduce((sum, file) => sum + file.cdnFile.length, 0));
    });

    it('ten ~2 KB requests of one session naming forty different forged files stop at the refused-bytes limit', async () => {
      const token = `t-${randomUUID()}`;
      const all: string[] = [];
      let largest = 0;
      for (let i = 0; i < 10; i++) {
        const files = Array.from({ length: 4 }, forged);
        all.push(...files.map((file) => file.path));
        largest = Math.max(largest, ...files.map((file) => file.cdnFile.length));
        const reply = await send(token, 'PHOTOS', { photos: files.map((file) => file.object) });
        expect(reply.json.screen).toBe('PHOTOS');
      }
      // 1 MiB of refused bytes, plus the request that passed it (four downloads at most).
      expect(bytesSent(all)).toBeLessThanOrEqual(1024 * 1024 + 4 * largest);
      const later = await send(token, 'PHOTOS', { photos: [upload(makePng(), 'fine.png').object] });
      expect(later.json.data.error_message).toBe('"fine.png" could not be fetched right now. Please try again in a moment.');
    });

    it('a file verified once is not downloaded again, whichever session sends its media object', async () => {
      const png = upload(makePng(), 'shared.png');
      for (const token of [`t-${randomUUID()}`, `t-${randomUUID()}`]) {
        expect((await send(token, 'PHOTOS', { photos: [png.object] })).json).toEqual({ screen: 'RESULT', data: { count: 1, types: 'image/png' } });
        expect(await rows(token)).toEqual([expect.objectContaining({ status: 'stored', storage_key: png.sha256 })]);
      }
      expect(cdn.requestsFor(png.path)).toHaveLength(1);
    });
  });
});
