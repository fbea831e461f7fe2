import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigValidationError } from '../../config/config-validation-error.js';
import { assertPrivateFolder, createExclusive, entryExists, readPrivateFile, UnsafeKeyFileError } from './private-files.js';

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
 * (git-ignored) and reused on later starts. Never used in production. Files are created with
 * O_EXCL and never through a link; existing ones are tightened to owner-only; a folder others can
 * write into is refused.
 */
export function ensureDevCredentials(dir: string): DevCredentials {
  const root = resolve(dir);
  try {
    return { dir: root, ...ensureIn(root) };
  } catch (error) {
    if (error instanceof UnsafeKeyFileError) throw new ConfigValidationError(`Invalid configuration: FLOW_DEV_KEYS_DIR: ${error.message}`);
    throw error;
  }
}

function ensureIn(root: string): Omit<DevCredentials, 'dir'> {
  const privateKeyFile = join(root, 'private.pem');
  const publicKeyFile = join(root, 'public.pem');
  const secretFile = join(root, 'app-secret');
  let created = false;
  mkdirSync(root, { recursive: true, mode: 0o700 });
  assertPrivateFolder(root);
  if (!entryExists(privateKeyFile)) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    createExclusive(privateKeyFile, privateKey, 0o600);
    // A public key left from an earlier pair is replaced (rmSync removes a link, never its target).
    rmSync(publicKeyFile, { force: true });
    createExclusive(publicKeyFile, publicKey, 0o644);
    created = true;
  } else {
    readPrivateFile(privateKeyFile); // refuses a link, tightens the mode
  }
  if (!entryExists(secretFile)) {
    createExclusive(secretFile, randomBytes(32).toString('hex'), 0o600);
    created = true;
  }
  return { privateKeyFile, publicKeyFile, appSecret: readPrivateFile(secretFile).trim(), created };
}
