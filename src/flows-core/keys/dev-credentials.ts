import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface DevCredentials {
  dir: string;
  privateKeyFile: string;
  publicKeyFile: string;
  appSecret: string;
  /** True when this call created them. */
  created: boolean;
}

/**
 * Development-only credentials: an RSA-2048 pair and an app secret, created once in `dir`
 * (git-ignored) and reused on later starts. Never used in production.
 */
export function ensureDevCredentials(dir: string): DevCredentials {
  const root = resolve(dir);
  const privateKeyFile = join(root, 'private.pem');
  const publicKeyFile = join(root, 'public.pem');
  const secretFile = join(root, 'app-secret');
  let created = false;
  mkdirSync(root, { recursive: true, mode: 0o700 });
  if (!existsSync(privateKeyFile)) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    writeFileSync(privateKeyFile, privateKey, { mode: 0o600 });
    writeFileSync(publicKeyFile, publicKey, { mode: 0o644 });
    created = true;
  }
  if (!existsSync(secretFile)) {
    writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    created = true;
  }
  chmodSync(privateKeyFile, 0o600);
  return { dir: root, privateKeyFile, publicKeyFile, appSecret: readFileSync(secretFile, 'utf8').trim(), created };
}
