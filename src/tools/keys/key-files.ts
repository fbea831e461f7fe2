import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createExclusive, keyFingerprint } from '../../flows-core/testing.js';

export interface NewKeyPair {
  /** PKCS#8 PEM, encrypted with aes-256-cbc when a passphrase was given. Never printed. */
  privatePem: string;
  /** SPKI PEM: what Meta wants. */
  publicPem: string;
  fingerprint: string;
}

/** A fresh RSA-2048 pair, the size WhatsApp Flows requires. */
export function generateKeyPair(passphrase?: string): NewKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: passphrase ? { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase } : { type: 'pkcs8', format: 'pem' },
  });
  return { privatePem: privateKey, publicPem: publicKey, fingerprint: keyFingerprint(createPublicKey(publicKey)) };
}

export function publicPemOf(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * Replaces `path` in one step: a temp file in the same folder (same filesystem, so the rename is
 * atomic), created with `mode` (O_EXCL, never through a link), then renamed over: a link at `path`
 * is replaced, not followed. The server never reads a half-written key, and its folder watcher
 * ignores the temp name.
 */
export function writeFileAtomic(path: string, content: string, mode = 0o600): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  // A leftover from a crashed run would keep its old mode; start from nothing.
  rmSync(temp, { force: true });
  try {
    createExclusive(temp, content, mode);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
