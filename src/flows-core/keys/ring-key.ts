import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

/** Where one private key of the ring comes from. Files are re-read on reload; inline values cannot change. */
export interface KeySource {
  label: 'current' | 'previous';
  /** The variable that names it, for error messages. */
  variable: string;
  file?: string;
  pem?: string;
  passphrase?: string;
}

/** One parsed private key of the ring. Only the fingerprint is ever logged. */
export interface RingKey {
  label: 'current' | 'previous';
  fingerprint: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Short, stable id of a key: SHA-256 of its SPKI public key, first 16 hex digits. */
export function keyFingerprint(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(der).digest('hex').slice(0, 16)}`;
}

/**
 * Loads every key source of the ring. A previous-key file that does not exist means "no previous
 * key" (its path can be configured before the first rotation); anything else wrong throws.
 */
export function loadRing(sources: KeySource[]): RingKey[] {
  return sources.filter((source) => !(source.label === 'previous' && source.file && !existsSync(source.file))).map(loadRingKey);
}

/** Reads and parses one key source; throws an Error whose message names the variable. */
export function loadRingKey(source: KeySource): RingKey {
  let pem: string;
  try {
    pem = source.file ? readFileSync(source.file, 'utf8') : source.pem!.replace(/\\n/g, '\n');
  } catch (error) {
    throw new Error(`${source.variable}: cannot read ${source.file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem', passphrase: source.passphrase });
  } catch {
    throw new Error(`${source.variable}: not a PEM private key, or the passphrase is wrong`);
  }
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new Error(`${source.variable}: expected an RSA key, got ${privateKey.asymmetricKeyType}`);
  }
  const publicKey = createPublicKey(privateKey);
  return { label: source.label, fingerprint: keyFingerprint(publicKey), privateKey, publicKey };
}
