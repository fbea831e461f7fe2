// The certificate of the preview's local HTTPS CDN: self-signed for 127.0.0.1 and localhost, made once
// and kept in a folder (default .data/preview, git-ignored), so the Flowgate server is pointed at its
// file once (FLOW_MEDIA_DEV_CA_FILE) and keeps trusting it across preview runs.
// @peculiar/x509 needs the Reflect metadata polyfill loaded before it.
import 'reflect-metadata';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createPrivateKey, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { dirname, join } from 'node:path';
import * as x509 from '@peculiar/x509';

export interface CdnCertificate {
  /** PEM of the certificate: the only thing the Flowgate server needs (it is its own CA). */
  cert: string;
  /** PEM of the private key (PKCS#8); stays in the folder, mode 0600. */
  key: string;
  /** Absolute path of the certificate file, for FLOW_MEDIA_DEV_CA_FILE. */
  certFile: string;
  /** Whether this call made a new certificate (the server must then be restarted to trust it). */
  created: boolean;
}

export const CERT_FILE = 'cdn-cert.pem';
export const KEY_FILE = 'cdn-key.pem';
const VALID_DAYS = 825;
/** A certificate closer than this to its end is replaced before it lapses mid-session. */
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** The folder's certificate when it is whole and good for a while yet, else a new one written there. */
export async function cdnCertificate(dir: string): Promise<CdnCertificate> {
  const certFile = join(dir, CERT_FILE);
  const keyFile = join(dir, KEY_FILE);
  const kept = readKept(certFile, keyFile);
  if (kept) return { ...kept, certFile, created: false };

  const made = await makeCertificate();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  // Written beside and renamed into place: a reader never sees half a file.
  const temp = `.${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(keyFile + temp, made.key, { mode: 0o600 });
  writeFileSync(certFile + temp, made.cert, { mode: 0o600 });
  renameSync(keyFile + temp, keyFile);
  renameSync(certFile + temp, certFile);
  return { ...made, certFile, created: true };
}

function readKept(certFile: string, keyFile: string): { cert: string; key: string } | undefined {
  if (!existsSync(certFile) || !existsSync(keyFile)) return undefined;
  try {
    const cert = readFileSync(certFile, 'utf8');
    const key = readFileSync(keyFile, 'utf8');
    const parsed = new X509Certificate(cert);
    const good =
      parsed.checkPrivateKey(createPrivateKey(key)) &&
      parsed.checkIP('127.0.0.1') !== undefined &&
      parsed.checkHost('localhost') !== undefined &&
      Date.parse(parsed.validFrom) <= Date.now() &&
      Date.parse(parsed.validTo) - Date.now() > RENEW_BEFORE_MS;
    if (!good) return undefined;
    // The folder and its files are this user's business only, whatever mode a copy or a checkout gave them.
    for (const file of [keyFile, certFile]) if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    if ((statSync(dirname(keyFile)).mode & 0o077) !== 0) chmodSync(dirname(keyFile), 0o700);
    return { cert, key };
  } catch {
    // Damaged or foreign files: replaced by a new pair.
    return undefined;
  }
}

async function makeCertificate(): Promise<{ cert: string; key: string }> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const serial = randomBytes(16);
  serial[0] &= 0x7f; // a positive serial number, as RFC 5280 asks
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: 'CN=Flowgate preview CDN (local)',
    notBefore: new Date(now - 3600 * 1000),
    notAfter: new Date(now + VALID_DAYS * 24 * 3600 * 1000),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      // An end-entity certificate trusted on its own: it cannot sign certificates for other hosts.
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
      ]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }) as string;
  return { cert: certificate.toString('pem'), key };
}
