import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cdnCertificate } from '../../src/tools/preview/cdn-certificate.js';
import { encryptMedia, makePng } from '../kit/whatsapp-media.js';
import { eventually } from '../support/eventually.js';
import { FakeCdn } from '../support/fake-cdn.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { MediaTestFlowModule } from './fixtures/media-flow.js';

const mode = (path: string) => statSync(path).mode & 0o777;

/** Every folder and file under `dir` (itself included) whose mode lets anyone but the owner in. */
function loose(dir: string): string[] {
  const found = mode(dir) & 0o077 ? [`${dir} ${mode(dir).toString(8)}`] : [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...loose(path));
    else if (mode(path) & 0o077) found.push(`${path} ${mode(path).toString(8)}`);
  }
  return found;
}

/** A folder as an older version or a copy leaves it: 0755, with a 0644 file and a 0755 sub-folder. */
function openFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-open-'));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'ab'), { mode: 0o755 });
  writeFileSync(join(dir, 'ab', 'old-file'), 'left readable', { mode: 0o644 });
  chmodSync(join(dir, 'ab', 'old-file'), 0o644);
  return dir;
}

describe('data folders are their owner’s only: the embedded database, the media store, the preview certificate', () => {
  let cdn: FakeCdn;
  let test: TestApp;
  let databaseDir: string;
  let mediaDir: string;

  beforeAll(async () => {
    cdn = await new FakeCdn().start();
    databaseDir = openFolder();
    mediaDir = openFolder();
    test = await startTestApp({
      modules: [MediaTestFlowModule],
      database: { env: { DATABASE_URL: undefined, EMBEDDED_DB_DIR: databaseDir }, drop: async () => undefined },
      env: {
        FLOW_MEDIA_DIR: mediaDir,
        FLOW_MEDIA_HOSTS: 'localhost',
        FLOW_MEDIA_DEV_ALLOW_LOOPBACK: 'true',
        FLOW_MEDIA_DEV_CA_FILE: cdn.caFile,
      },
    });
  });
  afterAll(async () => {
    await test?.close();
    await cdn?.stop();
    for (const dir of [databaseDir, mediaDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the embedded database folder: 0700, its files 0600, those of an earlier run tightened at start', () => {
    expect(mode(databaseDir)).toBe(0o700);
    expect(readdirSync(databaseDir).length).toBeGreaterThan(3);
    expect(loose(databaseDir)).toEqual([]);
  });

  it('the media folder: 0700, kept files 0600, what was there tightened at start', async () => {
    const path = `/v/t62/${randomUUID()}.enc`;
    const photo = encryptMedia(makePng(), { fileName: 'IMG_1.png', cdnUrl: cdn.url(path) });
    cdn.put(path, { body: photo.cdnFile });
    const reply = await test.client.dataExchange('media', `t-${randomUUID()}`, 'PHOTOS', { photos: [photo.object] });
    expect(reply.json).toMatchObject({ screen: 'RESULT', data: { count: 1 } });
    expect(mode(join(mediaDir, photo.sha256.slice(0, 2), photo.sha256))).toBe(0o600);
    expect(mode(mediaDir)).toBe(0o700);
    // The walk over what was there runs beside the boot.
    expect(
      await eventually(
        async () => loose(mediaDir),
        (found) => found.length === 0,
      ),
    ).toEqual([]);
  });

  it('the preview CDN certificate folder: 0700 with 0600 files, an existing one tightened', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'flowgate-cert-')), 'cdn');
    try {
      const made = await cdnCertificate(dir);
      expect(made.created).toBe(true);
      expect(loose(dir)).toEqual([]);
      chmodSync(dir, 0o755);
      for (const file of readdirSync(dir)) chmodSync(join(dir, file), 0o644);
      const kept = await cdnCertificate(dir);
      expect(kept.created).toBe(false);
      expect(loose(dir)).toEqual([]);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
});
