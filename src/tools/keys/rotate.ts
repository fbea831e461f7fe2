import { existsSync, readFileSync, rmSync } from 'node:fs';
import { flowCredentials, flowsConfig, loadRing, loadRingKey } from '../../flows-core/testing.js';
import { CliError, UnreachableError } from '../cli/errors.js';
import { resolveTenant } from '../tenant.js';
import { assertGraphConfigured, fetchUploadedKey, graphSettingsProblems, requireSettings, uploadPublicKey } from './graph.js';
import { generateKeyPair, writeFileAtomic } from './key-files.js';
import { adminTokenProblems, reloadServer, serverUrl } from './server.js';

export interface ServerOptions {
  url?: string;
  force: boolean;
}

/** Rotation moves key files around, so both keys must come from files the server also reads. */
function keyFileProblems(): string[] {
  return [
    ...(process.env.FLOW_PRIVATE_KEY_FILE
      ? []
      : ['FLOW_PRIVATE_KEY_FILE is not set: rotation writes key files, so the current key must be a file (not FLOW_PRIVATE_KEY)']),
    ...(process.env.FLOW_PREVIOUS_PRIVATE_KEY_FILE
      ? []
      : ['FLOW_PREVIOUS_PRIVATE_KEY_FILE is not set: rotation keeps the old key there while phones move to the new one (set it on the server too)']),
  ];
}

/** Runs one step; a CliError becomes its message so the caller can report the state it left. */
async function attempt<T>(step: () => Promise<T>): Promise<{ value?: T; error?: string }> {
  try {
    return { value: await step() };
  } catch (error) {
    if (error instanceof CliError) return { error: error.message };
    throw error;
  }
}

/** `rotate`: new current key, the old one kept as previous, upload, reload. */
export async function rotate(options: ServerOptions): Promise<number> {
  // Everything that can be checked is checked before the first file changes.
  // Every missing setting at once, one line each.
  requireSettings([...keyFileProblems(), ...graphSettingsProblems(), ...adminTokenProblems()]);
  const files = { current: process.env.FLOW_PRIVATE_KEY_FILE!, previous: process.env.FLOW_PREVIOUS_PRIVATE_KEY_FILE! };
  const url = serverUrl(options.url);
  const sources = flowCredentials(flowsConfig()).keys;
  const [currentSource, previousSource] = sources;
  const ring = loadRing(sources);
  const old = ring[0];
  if (ring[1] && !options.force) {
    throw new CliError(
      `${files.previous} still holds the previous key ${ring[1].fingerprint}: the last rotation is not retired. ` +
        'Run `npm run keys -- retire` once its traffic is gone, or pass --force to drop it now',
    );
  }
  // The old key is copied as is, so the previous key's passphrase must open it, or the server's reload fails.
  const oldPem = readFileSync(files.current, 'utf8');
  try {
    loadRingKey({ ...previousSource, file: undefined, pem: oldPem });
  } catch {
    throw new CliError('FLOW_PREVIOUS_PRIVATE_KEY_PASSPHRASE must open the current key (set it to FLOW_PRIVATE_KEY_PASSPHRASE). Nothing was changed');
  }

  const next = generateKeyPair(currentSource.passphrase);
  console.log(`Rotating the flow key (server ${url})`);
  console.log(`  old key ${old.fingerprint} → ${files.previous}`);
  console.log(`  new key ${next.fingerprint} → ${files.current}`);
  writeFileAtomic(files.previous, oldPem);
  writeFileAtomic(files.current, next.privatePem);
  console.log('✔ Key files written');

  const uploaded = await attempt(() => uploadPublicKey(next.publicPem));
  if (uploaded.error) console.error(`✖ ${uploaded.error}`);
  else console.log(`✔ New public key uploaded to Meta (phone number ${uploaded.value})`);

  // Reloading is safe even when the upload failed: the old key stays in the ring as the previous key.
  const reloaded = await attempt(() => reloadServer(url));
  const fingerprints = reloaded.value;
  const serving = fingerprints?.[0] === next.fingerprint && fingerprints.includes(old.fingerprint);
  if (reloaded.error) console.error(`✖ Reload failed: ${reloaded.error}`);
  else if (!serving) console.error(`✖ The server reloaded but serves ${fingerprints!.join(', ')}: is it configured with these key files?`);
  else console.log(`✔ Server reloaded: current ${next.fingerprint}, previous ${old.fingerprint}`);

  if (uploaded.error || !serving) {
    console.log(`\nState: ${files.current} holds the new key ${next.fingerprint}; ${files.previous} holds the old key ${old.fingerprint}.`);
    console.log(
      uploaded.error
        ? '  Meta: still has the old public key; phones keep using it, and the server accepts it as the previous key.'
        : '  Meta: has the new public key.',
    );
    console.log(
      serving
        ? '  Server: serves the new key, and the old one as the previous key.'
        : `  Server: did not confirm it serves the new key${uploaded.error ? '' : '; phones that fetch the new key get 421 until it does'}.`,
    );
    const steps = [...(serving ? [] : ['npm run keys -- reload (or kill -HUP <server pid>)']), ...(uploaded.error ? ['npm run keys -- upload'] : [])];
    console.log(`To finish, once the problem above is fixed: ${steps.join(', then ')}`);
    console.log(
      `To undo instead: move ${files.previous} back to ${files.current}, then npm run keys -- reload${uploaded.error ? '' : ' and npm run keys -- upload'}`,
    );
    return 1;
  }

  console.log('\nNext: phones that still use the old key keep working through the previous key; the others get 421,');
  console.log('refetch the new key from Meta and retry. When request logs show no more');
  console.log(`"flowKey":"${old.fingerprint}", delete the previous key file and reload with: npm run keys -- retire`);
  return 0;
}

/**
 * Refuses to retire while Meta still hands out another key than the current one: every phone
 * would then get 421. Skipped (with a note) when Meta's credentials are not configured.
 */
async function assertMetaHasCurrentKey(): Promise<void> {
  try {
    assertGraphConfigured();
  } catch (error) {
    console.log(`Not checked with Meta (${(error as Error).message.split(':')[0]}): make sure the current key is uploaded.`);
    return;
  }
  const current = loadRingKey(flowCredentials(flowsConfig()).keys[0]);
  const uploaded = await fetchUploadedKey();
  if (uploaded.fingerprint !== current.fingerprint) {
    throw new CliError(
      `Meta has ${uploaded.fingerprint ?? 'no key'}, not the current key ${current.fingerprint}: retiring now would break every phone. ` +
        'Run `npm run keys -- upload` first (or pass --force)',
    );
  }
}

/** `retire`: delete the previous key file and reload, once the old key's traffic is gone. */
export async function retire(options: ServerOptions): Promise<number> {
  const previous = process.env.FLOW_PREVIOUS_PRIVATE_KEY_FILE ?? '';
  requireSettings([
    ...(previous ? [] : ['FLOW_PREVIOUS_PRIVATE_KEY_FILE is not set: there is no previous key file to retire']),
    ...adminTokenProblems(),
  ]);
  const url = serverUrl(options.url);
  if (existsSync(previous)) {
    if (!options.force) await assertMetaHasCurrentKey();
    rmSync(previous);
    console.log(`✔ Deleted the previous key file ${previous}`);
  } else {
    console.log(`No previous key file at ${previous}: nothing to delete.`);
  }
  try {
    const fingerprints = await reloadServer(url);
    if (fingerprints.length > 1)
      throw new CliError(`the server still serves a previous key (${fingerprints[1]}): is its FLOW_PREVIOUS_PRIVATE_KEY_FILE another path?`);
    console.log(`✔ Server reloaded: only ${fingerprints[0]} now. Requests encrypted with the old key get 421.`);
  } catch (error) {
    if (error instanceof CliError) {
      // A server that cannot be reached keeps its exit code (3).
      throw new (error instanceof UnreachableError ? UnreachableError : CliError)(
        `Reload failed: ${error.message}. The previous key file is deleted; the server drops the old key when it reloads (npm run keys -- reload, or kill -HUP <server pid>)`,
      );
    }
    throw error;
  }
  return 0;
}

/** `reload`: ask the server to re-read its key files (e.g. after fixing a failed rotation). */
export async function reload(options: { url?: string; tenant?: string }): Promise<number> {
  const tenant = options.tenant ? resolveTenant(options.tenant).name : undefined;
  const url = serverUrl(options.url);
  const fingerprints = await reloadServer(url, tenant).catch((error: unknown) => {
    if (error instanceof UnreachableError) throw new UnreachableError(`Reload failed: ${error.message}`);
    throw error instanceof CliError ? new CliError(`Reload failed: ${error.message}`) : error;
  });
  console.log(
    `✔ Server at ${url} reloaded${tenant ? ` tenant "${tenant}"` : ''}: current ${fingerprints[0]}${fingerprints[1] ? `, previous ${fingerprints[1]}` : ''}`,
  );
  return 0;
}
