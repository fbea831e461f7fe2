import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { keyFingerprint } from '../../flows-core/testing.js';
import { CliError } from './cli-error.js';
import { assertGraphConfigured, fetchUploadedKey, uploadPublicKey } from './graph.js';
import { publicPemOf } from './key-files.js';
import { localRing } from './local-keys.js';

/** The public key of a file (any PEM public key, sent to Meta as SPKI). */
function publicKeyFromFile(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    const key = createPublicKey({ key: text, format: 'pem' });
    if (key.asymmetricKeyType !== 'rsa') throw new Error();
    return key;
  } catch {
    throw new CliError(`${file} is not a PEM RSA public key`);
  }
}

/** `upload`: the file's public key, else the configured current key's. */
export async function upload(options: { 'public-key'?: string }): Promise<number> {
  assertGraphConfigured();
  const file = options['public-key'];
  const publicKey = file ? publicKeyFromFile(file) : localRing()[0].publicKey;
  const fingerprint = keyFingerprint(publicKey);
  console.log(`Uploading public key ${fingerprint} (${file ?? 'of the current private key'}) to Meta ...`);
  const phoneNumberId = await uploadPublicKey(publicPemOf(publicKey));
  console.log(`✔ Uploaded for phone number ${phoneNumberId}. Check it with: npm run keys -- status`);
  return 0;
}

/** `status`: what Meta has, and whether it is the key this server decrypts with first. */
export async function status(): Promise<number> {
  const uploaded = await fetchUploadedKey();
  const ring = localRing();
  const current = ring[0];
  if (!uploaded.fingerprint) {
    console.error(`✖ No public key is uploaded to Meta. Upload the current key (${current.fingerprint}) with: npm run keys -- upload`);
    return 1;
  }
  const match = ring.find((key) => key.fingerprint === uploaded.fingerprint);
  console.log(`Uploaded key:      ${uploaded.fingerprint}`);
  console.log(`Signature status:  ${uploaded.signatureStatus ?? 'unknown'}`);
  console.log(`Local current key: ${current.fingerprint} (${match === current ? 'matches' : 'differs'})`);
  if (ring[1]) console.log(`Local previous key: ${ring[1].fingerprint}${match === ring[1] ? ' (matches)' : ''}`);

  if (match !== current) {
    const which = match ? 'the previous key (the rotation is not uploaded yet)' : 'a key this server does not have';
    console.error(`✖ Meta has ${which}, not the current key. Run: npm run keys -- upload`);
    return 1;
  }
  if (uploaded.signatureStatus && uploaded.signatureStatus !== 'VALID') {
    console.error(`✖ Meta reports signature status ${uploaded.signatureStatus}: upload the key again (npm run keys -- upload)`);
    return 1;
  }
  console.log('✔ Meta has the current key.');
  return 0;
}
