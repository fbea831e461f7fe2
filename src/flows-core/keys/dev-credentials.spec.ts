import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ConfigValidationError } from '../../config/config-validation-error.js';
import { ensureDevCredentials } from './dev-credentials.js';

const root = mkdtempSync(join(tmpdir(), 'flowgate-devcreds-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `keys-${++n}`);
const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('development credentials on disk', () => {
  it('are created owner-only: private.pem and app-secret 0600, public.pem 0644, the folder 0700', () => {
    const dir = freshDir();
    const made = ensureDevCredentials(dir);
    expect(made.created).toBe(true);
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(join(dir, 'private.pem'))).toBe(0o600);
    expect(modeOf(join(dir, 'app-secret'))).toBe(0o600);
    expect(modeOf(join(dir, 'public.pem'))).toBe(0o644);
    expect(made.appSecret).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a dangling private.pem link is refused with one line; the key never lands at its target', () => {
    const dir = freshDir();
    mkdirSync(dir, { mode: 0o700 });
    const target = join(root, `stolen-${n}.pem`);
    symlinkSync(target, join(dir, 'private.pem'));
    expect(() => ensureDevCredentials(dir)).toThrow(ConfigValidationError);
    expect(() => ensureDevCredentials(dir)).toThrow(
      `Invalid configuration: FLOW_DEV_KEYS_DIR: ${join(dir, 'private.pem')} is a symbolic link; remove it (Flowgate creates this file itself)`,
    );
    expect(existsSync(target)).toBe(false);
    expect(lstatSync(join(dir, 'private.pem')).isSymbolicLink()).toBe(true);
  });

  it('an app-secret link (dangling or to a file) is never written through nor read', () => {
    const dir = freshDir();
    mkdirSync(dir, { mode: 0o700 });
    const target = join(root, `elsewhere-${n}`);
    writeFileSync(target, 'attacker-chosen-secret', { mode: 0o644 });
    symlinkSync(target, join(dir, 'app-secret'));
    expect(() => ensureDevCredentials(dir)).toThrow(/app-secret is a symbolic link/);
    expect(readFileSync(target, 'utf8')).toBe('attacker-chosen-secret');
    expect(modeOf(target)).toBe(0o644);
  });

  it('existing files readable by others are tightened to 0600 and reused', () => {
    const dir = freshDir();
    mkdirSync(dir, { mode: 0o700 });
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    writeFileSync(join(dir, 'private.pem'), privateKey, { mode: 0o644 });
    writeFileSync(join(dir, 'app-secret'), 'a'.repeat(64), { mode: 0o666 });
    chmodSync(join(dir, 'app-secret'), 0o666);
    const again = ensureDevCredentials(dir);
    expect(again.created).toBe(false);
    expect(again.appSecret).toBe('a'.repeat(64));
    expect(readFileSync(join(dir, 'private.pem'), 'utf8')).toBe(privateKey);
    expect(modeOf(join(dir, 'private.pem'))).toBe(0o600);
    expect(modeOf(join(dir, 'app-secret'))).toBe(0o600);
  });

  it.each([0o777, 0o770, 0o722].map((mode) => [mode.toString(8), mode]))(
    'a key folder others can write into (mode 0%s) is refused, with nothing written',
    (_, mode) => {
      const dir = freshDir();
      mkdirSync(dir);
      chmodSync(dir, mode);
      expect(() => ensureDevCredentials(dir)).toThrow(
        `Invalid configuration: FLOW_DEV_KEYS_DIR: ${dir} is group- or world-writable (mode 0${mode.toString(8)}); run chmod go-w ${dir} (or chmod 700)`,
      );
      expect(existsSync(join(dir, 'private.pem'))).toBe(false);
      expect(existsSync(join(dir, 'app-secret'))).toBe(false);
    },
  );
});
