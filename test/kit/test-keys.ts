import { generateKeyPairSync, randomBytes } from 'node:crypto';

export interface TestKeyPair {
  /** PEM of the private key (PKCS#8, or PKCS#1 encrypted with DES-EDE3 when a passphrase is given, as Meta's generator does). */
  privatePem: string;
  publicPem: string;
  passphrase?: string;
}

/** A fresh RSA-2048 pair for a test. */
export function generateTestKeyPair(options: { passphrase?: string } = {}): TestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: options.passphrase
      ? { type: 'pkcs1', format: 'pem', cipher: 'des-ede3-cbc', passphrase: options.passphrase }
      : { type: 'pkcs8', format: 'pem' },
  });
  return { privatePem: privateKey, publicPem: publicKey, passphrase: options.passphrase };
}

export function generateAppSecret(): string {
  return randomBytes(16).toString('hex');
}
