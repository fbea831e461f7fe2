import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { keyFingerprint } from '../../flows-core/testing.js';
import { EXIT, UnreachableError } from '../cli/errors.js';
import { Output } from '../flows/output.js';
import { resolveTenant, tenantFlag, tenantGraphToken, tenantRing } from '../tenant.js';
import { CliError } from './cli-error.js';
import { assertGraphConfigured, fetchUploadedKey, uploadPublicKey, type KeyAccount } from './graph.js';
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

/** Where a key goes at Meta: the tenant's numbers with its token, else the configured number (undefined). */
export function keyAccounts(tenant?: ReturnType<typeof resolveTenant>): Array<KeyAccount | undefined> {
  if (!tenant) {
    assertGraphConfigured();
    return [undefined];
  }
  const accessToken = tenantGraphToken(tenant);
  return tenant.phoneNumberIds.map((phoneNumberId) => ({ phoneNumberId, accessToken }));
}

export interface UploadOutcome {
  phoneNumbers: Array<{ id: string; ok: boolean; error?: string }>;
  /** Every failure was Meta not answering (exit code 3 rather than 1). */
  unreachable: boolean;
}

/**
 * Uploads the public key to each phone number (Meta sets the flow key per number), one line each; a
 * failed number does not stop the others.
 */
export async function uploadToEach(
  output: Output,
  accounts: Array<KeyAccount | undefined>,
  publicPem: string,
  tenant?: string,
): Promise<UploadOutcome> {
  const phoneNumbers: UploadOutcome['phoneNumbers'] = [];
  let unreachable = true;
  for (const account of accounts) {
    try {
      const id = await uploadPublicKey(publicPem, account);
      phoneNumbers.push({ id, ok: true });
      output.ok(tenant ? `phone number ${id}: public key uploaded` : `Uploaded for phone number ${id}. Check it with: npm run keys -- status`);
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      const id = account?.phoneNumberId ?? process.env.WHATSAPP_PHONE_NUMBER_ID ?? '';
      phoneNumbers.push({ id, ok: false, error: error.message });
      unreachable &&= error instanceof UnreachableError;
      output.fail(tenant ? `phone number ${id}: ${error.message}` : error.message);
    }
  }
  return { phoneNumbers, unreachable: unreachable && phoneNumbers.some((number) => !number.ok) };
}

/** `upload`: the file's public key, else the current key's; to each of the tenant's numbers with --tenant. */
export async function upload(options: { 'public-key'?: string; tenant?: string; json?: boolean }): Promise<number> {
  const tenant = options.tenant ? resolveTenant(options.tenant) : undefined;
  const accounts = keyAccounts(tenant);
  const file = options['public-key'];
  const publicKey = file ? publicKeyFromFile(file) : (tenant ? tenantRing(tenant) : localRing())[0].publicKey;
  const fingerprint = keyFingerprint(publicKey);
  const output = new Output(Boolean(options.json));
  const count = `${accounts.length} phone number${accounts.length === 1 ? '' : 's'}`;
  output.info(
    `Uploading public key ${fingerprint} (${file ?? 'of the current private key'}) to Meta${tenant ? ` for tenant "${tenant.name}": ${count}` : ''}`,
  );
  const outcome = await uploadToEach(output, accounts, publicPemOf(publicKey), tenant?.name);
  if (tenant && !output.failed)
    output.ok(`tenant "${tenant.name}": uploaded to ${count}. Check it with: npm run keys -- status${tenantFlag(tenant.name)}`);
  const code = output.finish({ tenant: tenant?.name ?? null, fingerprint, phoneNumbers: outcome.phoneNumbers });
  return code !== EXIT.ok && outcome.unreachable ? EXIT.unreachable : code;
}

/** `status --tenant`: for each of the tenant's numbers, whether Meta has the tenant's current key. */
async function tenantStatus(name: string): Promise<number> {
  const tenant = resolveTenant(name);
  const accounts = keyAccounts(tenant) as KeyAccount[];
  const ring = tenantRing(tenant);
  const output = new Output(false);
  output.info(`tenant "${tenant.name}": current key ${ring[0].fingerprint}${ring[1] ? `, previous ${ring[1].fingerprint}` : ''}`);
  for (const account of accounts) {
    const uploaded = await fetchUploadedKey(account).catch((error: unknown) => {
      if (error instanceof CliError) return { error: error.message };
      throw error;
    });
    const where = `phone number ${account.phoneNumberId}`;
    if ('error' in uploaded) output.fail(`${where}: ${uploaded.error}`);
    else if (uploaded.fingerprint !== ring[0].fingerprint) {
      const has = !uploaded.fingerprint ? 'no key' : uploaded.fingerprint === ring[1]?.fingerprint ? 'the previous key' : uploaded.fingerprint;
      output.fail(`${where}: Meta has ${has}, not the current key: run npm run keys -- upload${tenantFlag(tenant.name)}`);
    } else if (uploaded.signatureStatus && uploaded.signatureStatus !== 'VALID') {
      output.fail(`${where}: signature status ${uploaded.signatureStatus}: upload the key again (npm run keys -- upload${tenantFlag(tenant.name)})`);
    } else output.ok(`${where}: Meta has the current key`);
  }
  return output.finish();
}

/** `status`: what Meta has, and whether it is the key this server decrypts with first. */
export async function status(options: { tenant?: string } = {}): Promise<number> {
  if (options.tenant) return tenantStatus(options.tenant);
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
