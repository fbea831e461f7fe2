import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { assertPrivateFolder, entryExists, TENANT_FILES, UnsafeKeyFileError } from '../../flows-core/testing.js';
import { UsageError } from '../cli/errors.js';
import { resolveTenant } from '../tenant.js';
import { CliError } from './cli-error.js';
import { generateKeyPair, writeFileAtomic } from './key-files.js';

export interface GenerateOptions {
  out?: string;
  'passphrase-env'?: string;
  force: boolean;
  tenant?: string;
}

/**
 * `generate`: a new pair in <out>/private.pem (0600) and <out>/public.pem. With --tenant, in the
 * tenant's folder: the passphrase (--passphrase-env, else the folder's private.pem.passphrase) goes
 * in private.pem.passphrase, where the server reads it.
 */
export function generate(options: GenerateOptions): number {
  if (options.tenant && options.out) throw new UsageError("--out and --tenant: pick one (--tenant writes into the tenant's folder)");
  const tenant = options.tenant ? resolveTenant(options.tenant) : undefined;
  const variable = options['passphrase-env'];
  // The passphrase comes from the environment, never from argv: argv shows up in `ps` and shell history.
  let passphrase = variable ? process.env[variable] : undefined;
  if (variable && !passphrase) throw new CliError(`${variable} is not set: it must hold the passphrase for the new private key`);
  const passphraseFile = tenant ? join(tenant.dir, TENANT_FILES.privateKeyPassphrase) : undefined;
  if (passphraseFile && !variable && existsSync(passphraseFile)) passphrase = readFileSync(passphraseFile, 'utf8').trim() || undefined;

  const dir = resolve(tenant?.dir ?? options.out ?? 'config/keys');
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
  if (passphraseFile && variable) writeFileAtomic(passphraseFile, passphrase!, 0o600);
  writeFileAtomic(privateFile, pair.privatePem, 0o600);
  writeFileAtomic(publicFile, pair.publicPem, 0o644);

  const encrypted = variable
    ? `, encrypted with the passphrase in ${variable}`
    : passphrase
      ? `, encrypted with the passphrase in ${passphraseFile}`
      : ', not encrypted';
  console.log(`✔ Private key: ${privateFile} (mode 0600, PKCS#8${encrypted})`);
  if (passphraseFile && variable) console.log(`✔ Passphrase:  ${passphraseFile} (mode 0600)`);
  console.log(`✔ Public key:  ${publicFile}`);
  console.log(`Fingerprint: ${pair.fingerprint}\n`);
  console.log(pair.publicPem);
  if (tenant) {
    console.log(`The server reads it from tenant "${tenant.name}"'s folder on its next reload (npm run keys -- reload --tenant ${tenant.name}).`);
    console.log(`To upload it to the tenant's ${tenant.phoneNumberIds.length} phone number(s): npm run keys -- upload --tenant ${tenant.name}`);
    return 0;
  }
  console.log(`To use it: FLOW_PRIVATE_KEY_FILE=${privateFile}${variable ? ' and FLOW_PRIVATE_KEY_PASSPHRASE=<the passphrase>' : ''}`);
  console.log(`To upload it: npm run keys -- upload --public-key ${publicFile}`);
  return 0;
}
