import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { FlowMedia } from '../../flow-media/index.js';
import { readFlowJson } from '../../flow-json/files.js';
import { FlowSessions } from '../../flows-core/index.js';
import { signBody } from '../../flows-core/testing.js';
import { contractErrors } from '../../../test/kit/flow-contract.js';
import type { FlowReply } from '../../../test/kit/flow-test-client.js';
import { encryptMedia, makeJpeg, makePdf, makePng } from '../../../test/kit/whatsapp-media.js';
import { nfmReply, USERNAME_USER } from '../../../test/kit/whatsapp-notifications.js';
import { eventually } from '../../../test/support/eventually.js';
import { FakeCdn, type CdnFile } from '../../../test/support/fake-cdn.js';
import { PROJECT_ROOT } from '../../../test/support/server-process.js';
import { startTestApp, type TestApp } from '../../../test/support/test-app.js';

const flowJson = readFlowJson(new URL('./returns.flow.json', import.meta.url));
const PHONE = '351910000077';

describe('returns flow', () => {
  let test: TestApp;
  let cdn: FakeCdn;
  let db: DataSource;
  let sessions: FlowSessions;
  let reservationId: string;
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-returns-'));

  const valid = (reply: FlowReply) => {
    expect(contractErrors(flowJson, reply)).toEqual([]);
    return reply.json;
  };
  const step = async (token: string, screen: string, data: Record<string, unknown>) =>
    valid(await test.client.dataExchange('returns', token, screen, data));
  const upload = (plaintext: Buffer, fileName: string, serve: Omit<CdnFile, 'body'> = {}) => {
    const path = `/v/t62/${randomUUID()}.enc`;
    const encrypted = encryptMedia(plaintext, { fileName, cdnUrl: cdn.url(path) });
    cdn.put(path, { body: encrypted.cdnFile, ...serve });
    return encrypted;
  };
  /** A session of this phone that has been through CHOOSE with PROD-99 typed in. */
  const atPhotos = async () => {
    const { token } = await sessions.issue('returns', { phone: PHONE });
    valid(await test.client.init('returns', token));
    await step(token, 'CHOOSE', { product_id: 'prod-99', problem: 'The scroll wheel squeaks' });
    return token;
  };
  const mediaRows = (token: string) => db.query('SELECT * FROM flow_media WHERE flow_token = $1', [token]);

  beforeAll(async () => {
    cdn = await new FakeCdn().start();
    test = await startTestApp({
      env: {
        DEMO_DATA: 'true',
        FLOW_MEDIA_DIR: join(dir, 'media'),
        FLOW_MEDIA_HOSTS: 'localhost',
        FLOW_MEDIA_DEV_ALLOW_LOOPBACK: 'true',
        FLOW_MEDIA_DEV_CA_FILE: cdn.caFile,
      },
    });
    db = test.app.get(DataSource);
    sessions = test.app.get(FlowSessions);
    // The user reserved a mouse earlier through the inventory flow.
    const { token } = await sessions.issue('inventory', { phone: PHONE });
    await test.client.dataExchange('inventory', token, 'INVENTORY', { product_id: 'PROD-99' });
    const reserved = await test.client.dataExchange('inventory', token, 'AVAILABILITY', { product_id: 'PROD-99', quantity: '1' });
    reservationId = reserved.json.data.extension_message_response.params.reservation_id;
  });
  afterAll(async () => {
    await test?.close();
    await cdn?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("INIT lists the user's reservations; a user without any is asked for a product id", async () => {
    const { token } = await sessions.issue('returns', { phone: PHONE });
    const reply = valid(await test.client.init('returns', token));
    expect(reply).toMatchObject({
      screen: 'CHOOSE',
      data: { has_reservations: true, reservations: [expect.objectContaining({ id: reservationId, title: 'Wireless Mouse' })] },
    });
    const stranger = valid(await test.client.init('returns', `any-${randomUUID()}`));
    expect(stranger).toEqual({
      screen: 'CHOOSE',
      data: { intro: 'Type the id of the product you want to return.', has_reservations: false, reservations: [] },
    });
  });

  it('a person known only by a business-scoped user id (a username user) finds the reservations made under that id', async () => {
    const userId = 'GB.898232076600896';
    // A reservation from a session issued to the user id alone (sent with user_id, as recipient).
    const { token: issued } = await sessions.issue('inventory', { userId });
    await test.client.dataExchange('inventory', issued, 'INVENTORY', { product_id: 'PROD-99' });
    const first = await test.client.dataExchange('inventory', issued, 'AVAILABILITY', { product_id: 'PROD-99', quantity: '1' });
    const firstId = first.json.data.extension_message_response.params.reservation_id;
    // Another from a template send (a token opened on first sight, bound to nobody), whose completion
    // webhook carries the user id and no phone number: the session learns who it was.
    const opened = `template-${randomUUID()}`;
    await test.client.dataExchange('inventory', opened, 'INVENTORY', { product_id: 'PROD-99' });
    const second = await test.client.dataExchange('inventory', opened, 'AVAILABILITY', { product_id: 'PROD-99', quantity: '1' });
    const params = second.json.data.extension_message_response.params;
    const webhook = nfmReply(opened, params, undefined, { sender: { ...USERNAME_USER, userId } });
    const bytes = Buffer.from(JSON.stringify(webhook));
    const posted = await fetch(`${test.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(bytes, test.appSecret) },
      body: bytes,
    });
    expect(posted.status).toBe(200);
    await eventually(
      async () => (await db.query('SELECT user_id FROM flow_sessions WHERE token = $1', [opened]))[0]?.user_id,
      (learned) => learned === userId,
    );

    const { token } = await sessions.issue('returns', { userId });
    const reply = valid(await test.client.init('returns', token));
    expect(reply.data.reservations.map((r: { id: string }) => r.id).sort()).toEqual([firstId, params.reservation_id].sort());
    // The same person by phone number sees the reservations of that number only.
    const byPhone = valid(await test.client.init('returns', (await sessions.issue('returns', { phone: PHONE })).token));
    expect(byPhone.data.reservations.map((r: { id: string }) => r.id)).not.toContain(firstId);
  });

  it('a reservation, two photos kept in the request and a PDF receipt kept later: one return request linked to its three files', async () => {
    const { token } = await sessions.issue('returns', { phone: PHONE });
    valid(await test.client.init('returns', token));
    expect(await step(token, 'CHOOSE', { reservation: reservationId, product_id: '', problem: 'It arrived with a cracked shell' })).toEqual({
      screen: 'PHOTOS',
      data: { product_name: 'Wireless Mouse' },
    });
    const photos = [upload(makePng(), 'IMG_1.png'), upload(makeJpeg(), 'IMG_2.jpg')];
    expect(await step(token, 'PHOTOS', { photos: photos.map((p) => p.object) })).toEqual({
      screen: 'RECEIPT',
      data: { photo_summary: '2 photos received.' },
    });
    const receipt = upload(makePdf(), 'receipt.pdf', { delayMs: 300 });
    const done = await step(token, 'RECEIPT', { receipt: [receipt.object] });
    expect(done.screen).toBe('SUCCESS');
    const params = done.data.extension_message_response.params;
    expect(params).toEqual({ return_id: expect.any(String), product_id: 'PROD-99', photos: 2, receipt: true, flow_token: token });

    const [request] = await db.query('SELECT * FROM returns_requests WHERE id = $1', [params.return_id]);
    expect(request).toMatchObject({
      flow_token: token,
      sku: 'PROD-99',
      reservation_id: reservationId,
      problem: 'It arrived with a cracked shell',
      status: 'open',
    });
    // The receipt arrives in the background; the handler-side check says when all files are there.
    const arrival = await eventually(
      () => test.app.get(FlowMedia).arrived(token),
      (a) => a.complete,
    );
    expect(arrival).toMatchObject({ complete: true, stored: 3, pending: 0, failed: 0 });
    const files = await db.query(
      `SELECT f.role, m.file_name, m.content_type, m.sha256 FROM returns_request_files f JOIN flow_media m ON m.id = f.media_id WHERE f.return_id = $1 ORDER BY m.file_name`,
      [params.return_id],
    );
    expect(files).toEqual([
      { role: 'photo', file_name: 'IMG_1.png', content_type: 'image/png', sha256: photos[0].sha256 },
      { role: 'photo', file_name: 'IMG_2.jpg', content_type: 'image/jpeg', sha256: photos[1].sha256 },
      { role: 'receipt', file_name: 'receipt.pdf', content_type: 'application/pdf', sha256: receipt.sha256 },
    ]);
    // Completed: the token is done.
    expect((await test.client.dataExchange('returns', token, 'RECEIPT', { receipt: [] })).status).toBe(427);
  });

  it('a typed product id and no receipt', async () => {
    const token = await atPhotos();
    await step(token, 'PHOTOS', { photos: [upload(makePng(), 'only.png').object] });
    const done = await step(token, 'RECEIPT', {});
    expect(done.data.extension_message_response.params).toMatchObject({ product_id: 'PROD-99', photos: 1, receipt: false });
    const links = await db.query('SELECT role FROM returns_request_files f JOIN returns_requests r ON r.id = f.return_id WHERE r.flow_token = $1', [
      token,
    ]);
    expect(links).toEqual([{ role: 'photo' }]);
  });

  describe('bad input stays on the screen with a message', () => {
    it('CHOOSE: an unknown reservation, an unknown product, neither, no problem described', async () => {
      const { token } = await sessions.issue('returns', { phone: PHONE });
      valid(await test.client.init('returns', token));
      const on = async (data: Record<string, unknown>) => (await step(token, 'CHOOSE', data)).data.error_message;
      expect(await on({ reservation: randomUUID(), problem: 'broken' })).toBe(
        'We could not find that reservation. Please choose another one or type a product id.',
      );
      expect(await on({ product_id: 'PROD-00000', problem: 'broken' })).toBe('We could not find a product "PROD-00000". Check the id and try again.');
      expect(await on({ problem: 'broken' })).toBe('Please choose one of your reservations or type a product id.');
      expect(await on({ product_id: 'PROD-99', problem: '' })).toMatch(/Please say what is wrong/);
    });

    it('PHOTOS: none, more than three (30 at once), a PDF, a damaged photo: nothing kept, no request', async () => {
      const token = await atPhotos();
      const on = async (photos: unknown) => {
        const reply = await step(token, 'PHOTOS', { photos });
        expect(reply.screen).toBe('PHOTOS');
        return reply.data.error_message;
      };
      expect(await on([])).toBe('Please attach at least one file');
      const thirty = Array.from({ length: 30 }, () => upload(makePng(2, 2), 'p.png').object);
      expect(await on(thirty)).toBe('Please attach at most 3 files');
      expect(await on([upload(makePdf(), 'scan.jpg').object])).toBe('"scan.jpg" is not a file type we accept here.');
      const damaged = upload(makePng(), 'bent.png');
      damaged.object.encryption_metadata.plaintext_hash = damaged.object.encryption_metadata.encrypted_hash;
      expect(await on([damaged.object])).toBe('"bent.png" arrived damaged. Please attach it again.');
      expect(await mediaRows(token)).toEqual([]);
      expect(await db.query('SELECT 1 FROM returns_requests WHERE flow_token = $1', [token])).toEqual([]);
    });

    it('RECEIPT: a malformed receipt is refused at once, before any request is created', async () => {
      const token = await atPhotos();
      await step(token, 'PHOTOS', { photos: [upload(makePng(), 'ok.png').object] });
      const broken = upload(makePdf(), 'r.pdf').object as any;
      delete broken.cdn_url;
      const reply = await step(token, 'RECEIPT', { receipt: [broken] });
      expect(reply).toMatchObject({ screen: 'RECEIPT', data: { error_message: 'receipt[0].cdn_url must be a non-empty string' } });
      const two = [upload(makePdf(), 'a.pdf').object, upload(makePdf(), 'b.pdf').object];
      expect((await step(token, 'RECEIPT', { receipt: two })).data.error_message).toBe('Please attach only one file');
      expect(await db.query('SELECT 1 FROM returns_requests WHERE flow_token = $1', [token])).toEqual([]);
    });
  });

  it('npm run flow:simulate walks the flow with a script, photos and receipt included', async () => {
    const file = join(dir, 'returns.json');
    writeFileSync(
      file,
      JSON.stringify([
        { action: 'INIT', expect: { screen: 'CHOOSE' } },
        { form: { product_id: 'PROD-99', problem: 'Left button sticks' }, expect: { screen: 'PHOTOS', data: { product_name: 'Wireless Mouse' } } },
        { form: { photos: [upload(makePng(), 'sim.png').object] }, expect: { screen: 'RECEIPT', data: { photo_summary: '1 photo received.' } } },
        { form: { receipt: [upload(makePdf(), 'sim.pdf').object] }, expect: { screen: 'SUCCESS' } },
      ]),
    );
    const run = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['dist/src/tools/flow-simulate.js', 'returns', '--script', file, '--url', test.url], {
        cwd: PROJECT_ROOT,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          FLOW_PRIVATE_KEY: test.keys.privatePem,
          FLOW_PRIVATE_KEY_PASSPHRASE: test.keys.passphrase,
          WHATSAPP_APP_SECRET: test.appSecret,
        },
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('exit', (code) => resolve({ code, output }));
    });
    expect(run.output).toContain('All 4 steps passed.');
    expect(run.code).toBe(0);
  });
});
