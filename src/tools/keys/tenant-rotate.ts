// Rotation of a tenant's key (--tenant): the single-tenant procedure in the tenant's folder
// (private.pem → previous.pem, with its passphrase file), the new public key uploaded to each of its
// numbers with its graph-token, and the server asked to reload that tenant only.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readTenantKeys, TENANT_FILES, type TenantDefinition } from '../../flows-core/testing.js';
import { UnreachableError } from '../cli/errors.js';
import { Output } from '../flows/output.js';
import { resolveTenant, tenantFlag, tenantRing } from '../tenant.js';
import { CliError } from './cli-error.js';
import { fetchUploadedKey, requireSettings, type KeyAccount } from './graph.js';
import { generateKeyPair, writeFileAtomic } from './key-files.js';
import { keyAccounts, uploadToEach } from './meta.js';
import type { ServerOptions } from './rotate.js';
import { adminTokenProblems, reloadServer, serverUrl } from './server.js';

const filesOf = (tenant: TenantDefinition) => ({
  current: join(tenant.dir, TENANT_FILES.privateKey),
  previous: join(tenant.dir, TENANT_FILES.previousKey),
  previousPassphrase: join(tenant.dir, TENANT_FILES.previousKeyPassphrase),
});

/** Reloads one tenant on the server; a failure is a line, with the exit code it calls for. */
async function reloadTenant(output: Output, url: string, tenant: string): Promise<string[] | undefined> {
  try {
    return await reloadServer(url, tenant);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    output.fail(`Reload failed: ${error.message}`);
    return undefined;
  }
}

/** `rotate --tenant`: a new current key in the tenant's folder, the old one kept as previous.pem. */
export async function rotateTenant(name: string, options: ServerOptions): Promise<number> {
  const tenant = resolveTenant(name);
  requireSettings(adminTokenProblems());
  const accounts = keyAccounts(tenant);
  const url = serverUrl(options.url);
  const files = filesOf(tenant);
  const flag = tenantFlag(tenant.name);
  const ring = tenantRing(tenant);
  const old = ring[0];
  if (ring[1] && !options.force) {
    throw new CliError(
      `${files.previous} still holds the previous key ${ring[1].fingerprint}: the last rotation is not retired. ` +
        `Run \`npm run keys -- retire${flag}\` once its traffic is gone, or pass --force to drop it now`,
    );
  }
  // The new key takes the tenant's passphrase (private.pem.passphrase); the old key keeps it as previous.pem's.
  const passphrase = readTenantKeys(tenant)[0].passphrase;
  const oldPem = readFileSync(files.current, 'utf8');
  const next = generateKeyPair(passphrase);
  const output = new Output(false);
  output.info(`Rotating tenant "${tenant.name}"'s flow key (server ${url})`);
  output.info(`old key ${old.fingerprint} → ${files.previous}`);
  output.info(`new key ${next.fingerprint} → ${files.current}`);
  // The passphrase first: the server never finds previous.pem without the passphrase that opens it.
  if (passphrase) writeFileAtomic(files.previousPassphrase, passphrase);
  else rmSync(files.previousPassphrase, { force: true });
  writeFileAtomic(files.previous, oldPem);
  writeFileAtomic(files.current, next.privatePem);
  output.ok('Key files written');

  const uploads = await uploadToEach(output, accounts, next.publicPem, tenant.name);
  const notUploaded = uploads.phoneNumbers.filter((number) => !number.ok).map((number) => number.id);
  // Reloading is safe even when an upload failed: the old key stays in the ring as the previous key.
  const fingerprints = await reloadTenant(output, url, tenant.name);
  const serving = fingerprints?.[0] === next.fingerprint && fingerprints.includes(old.fingerprint);
  if (fingerprints && !serving)
    output.fail(`The server reloaded tenant "${tenant.name}" but serves ${fingerprints.join(', ')}: is its TENANTS_DIR this one?`);
  else if (serving) output.ok(`Server reloaded tenant "${tenant.name}": current ${next.fingerprint}, previous ${old.fingerprint}`);

  if (notUploaded.length || !serving) {
    output.print(`\nState: ${files.current} holds the new key ${next.fingerprint}; ${files.previous} holds the old key ${old.fingerprint}.`);
    if (notUploaded.length)
      output.print(`  Meta: phone number(s) ${notUploaded.join(', ')} still have the old key; the server accepts it as the previous key.`);
    const steps = [...(serving ? [] : [`npm run keys -- reload${flag}`]), ...(notUploaded.length ? [`npm run keys -- upload${flag}`] : [])];
    output.print(`To finish, once the problem above is fixed: ${steps.join(', then ')}`);
    return output.finish();
  }
  output.print(
    `\nNext: when request logs show no more "flowKey":"${old.fingerprint}" for tenant "${tenant.name}", run: npm run keys -- retire${flag}`,
  );
  return output.finish();
}

/** Refuses to retire while one of the tenant's numbers still hands out another key than the current one. */
async function assertMetaHasCurrentKey(tenant: TenantDefinition, accounts: KeyAccount[]): Promise<void> {
  const current = tenantRing(tenant)[0];
  for (const account of accounts) {
    const uploaded = await fetchUploadedKey(account);
    if (uploaded.fingerprint !== current.fingerprint) {
      throw new CliError(
        `phone number ${account.phoneNumberId}: Meta has ${uploaded.fingerprint ?? 'no key'}, not tenant "${tenant.name}"'s current key ${current.fingerprint}: ` +
          `retiring now would break its phones. Run \`npm run keys -- upload${tenantFlag(tenant.name)}\` first (or pass --force)`,
      );
    }
  }
}

/** `retire --tenant`: deletes previous.pem (and its passphrase file), then reloads the tenant. */
export async function retireTenant(name: string, options: ServerOptions): Promise<number> {
  const tenant = resolveTenant(name);
  requireSettings(adminTokenProblems());
  const url = serverUrl(options.url);
  const files = filesOf(tenant);
  const output = new Output(false);
  if (existsSync(files.previous)) {
    if (!options.force) await assertMetaHasCurrentKey(tenant, keyAccounts(tenant) as KeyAccount[]);
    rmSync(files.previous);
    rmSync(files.previousPassphrase, { force: true });
    output.ok(`Deleted tenant "${tenant.name}"'s previous key file ${files.previous}`);
  } else output.info(`No previous key file at ${files.previous}: nothing to delete.`);
  const fingerprints = await reloadServer(url, tenant.name).catch((error: unknown) => {
    if (!(error instanceof CliError)) throw error;
    const why = `Reload failed: ${error.message}. The server drops the old key when it reloads (npm run keys -- reload${tenantFlag(tenant.name)})`;
    throw error instanceof UnreachableError ? new UnreachableError(why) : new CliError(why);
  });
  if (fingerprints.length > 1)
    output.fail(`the server still serves a previous key (${fingerprints[1]}) for tenant "${tenant.name}": is its TENANTS_DIR this one?`);
  else output.ok(`Server reloaded tenant "${tenant.name}": only ${fingerprints[0]} now. Requests encrypted with the old key get 421.`);
  return output.finish();
}
