import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { assertPrivateFolder, entryExists, UnsafeKeyFileError } from '../../flows-core/testing.js';
import { CliError } from './cli-error.js';
import { generateKeyPair, writeFileAtomic } from './key-files.js';

export interface GenerateOptions {
  out: string;
  'passphrase-env'?: string;
  force: boolean;
}

/** `generate`: a new pair in <out>/private.pem (0600) and <out>/public.pem. */
export function generate(options: GenerateOptions): number {
  const variable = options['passphrase-env'];
  // The passphrase comes from the environment, never from argv: argv shows up in `ps` and shell history.
  const passphrase = variable ? process.env[variable] : undefined;
  if (variable && !passphrase) throw new CliError(`${variable} is not set: it must hold the passphrase for the new private key`);

  const dir = resolve(options.out);
  const privateFile = join(dir, 'private.pem');
  const publicFile = join(dir, 'public.pem');
  // Anything at the name counts, a dangling link too: it is replaced, never written through.
  if (entryExists(privateFile) && !options.force) {
    throw new CliError(`${privateFile} already exists; pass --force to replace it (the key it holds is lost)`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    assertPrivateFolder(dir);
  } catch (error) {
    if (error instanceof UnsafeKeyFileError) throw new CliError(`Refusing to write a private key there: ${error.message}`);
    throw error;
  }
  const pair = generateKeyPair(passphrase);
  writeFileAtomic(privateFile, pair.privatePem, 0o600);
  writeFileAtomic(publicFile, pair.publicPem, 0o644);

  console.log(`✔ Private key: ${privateFile} (mode 0600, PKCS#8${variable ? `, encrypted with the passphrase in ${variable}` : ', not encrypted'})`);
  console.log(`✔ Public key:  ${publicFile}`);
  console.log(`Fingerprint: ${pair.fingerprint}\n`);
  console.log(pair.publicPem);
  console.log(`To use it: FLOW_PRIVATE_KEY_FILE=${privateFile}${variable ? ' and FLOW_PRIVATE_KEY_PASSPHRASE=<the passphrase>' : ''}`);
  console.log(`To upload it: npm run keys -- upload --public-key ${publicFile}`);
  return 0;
}
