import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import { freePort } from '../support/free-port.js';
import { runServer } from '../support/server-process.js';

describe('media configuration at boot', () => {
  it('a media folder that cannot be written stops the boot with one line naming FLOW_MEDIA_DIR', async () => {
    // A folder under a plain file can never be created.
    const dir = mkdtempSync(join(tmpdir(), 'flowgate-media-cfg-'));
    writeFileSync(join(dir, 'file'), '');
    const mediaDir = join(dir, 'file', 'media');
    try {
      const run = await runServer({ EMBEDDED_DB_DIR: 'memory', PORT: String(await freePort()), FLOW_MEDIA_DIR: mediaDir }, 80_000);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`flowgate: Invalid configuration: FLOW_MEDIA_DIR (${mediaDir}) is not writable (ENOTDIR)\n`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('the development settings stop a production boot', async () => {
    const run = await runServer(
      {
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://flowgate@127.0.0.1:1/flowgate',
        FLOW_PRIVATE_KEY: generateTestKeyPair().privatePem,
        WHATSAPP_APP_SECRET: generateAppSecret(),
        FLOW_MEDIA_DEV_ALLOW_LOOPBACK: 'true',
      },
      30_000,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'flowgate: Invalid configuration: FLOW_MEDIA_DEV_ALLOW_LOOPBACK is for development and tests only and refused when NODE_ENV=production\n',
    );
  });
});
