import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readAppSecretFile } from '../keys/app-secret-files.js';
import type { KeySource } from '../keys/ring-key.js';

/**
 * One tenant's folder under TENANTS_DIR (`<TENANTS_DIR>/<name>/`): a WABA, its phone numbers, the app
 * secret(s) of the app connected to its flows, its key ring and its Graph API token, each in a file of
 * its own (a mounted Secret per tenant fits). Files other than tenant.json are read again on reload.
 */
export const TENANT_FILES = {
  /** `{ "waba_id": "…", "phone_number_ids": ["…"] }` */
  definition: 'tenant.json',
  appSecret: 'app-secret',
  appSecretPrevious: 'app-secret.previous',
  privateKey: 'private.pem',
  privateKeyPassphrase: 'private.pem.passphrase',
  previousKey: 'previous.pem',
  previousKeyPassphrase: 'previous.pem.passphrase',
  graphToken: 'graph-token',
  /** The token Meta echoes in the subscription check of the tenant's webhook URL (else WHATSAPP_VERIFY_TOKEN). */
  verifyToken: 'verify-token',
} as const;

/**
 * A tenant's name: its URL segment (`/flows/<name>/<flow>`, `/webhooks/whatsapp/<name>`) and its
 * label in metrics and logs, so short, lower-case, and never a number someone could mistake for an id.
 */
export const TENANT_NAME = /^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const GRAPH_ID = /^\d{5,20}$/;

/** What a tenant is, as configured. */
export interface TenantDefinition {
  name: string;
  dir: string;
  wabaId: string;
  phoneNumberIds: string[];
}

/** The tenant's credentials, as read from its files now. */
export interface TenantCredentials {
  appSecret: string;
  appSecretPrevious?: string;
  keys: KeySource[];
  graphToken?: string;
  verifyToken?: string;
}

/** A tenant folder that is not usable; the message is one line naming the tenant and the field. */
export class TenantConfigError extends Error {
  override readonly name = 'TenantConfigError';
}

const fail = (name: string, message: string): never => {
  throw new TenantConfigError(`tenant "${name}": ${message}`);
};

/** A file's content without surrounding whitespace, or undefined when it does not exist. */
function optionalText(name: string, dir: string, file: string): string | undefined {
  const path = join(dir, file);
  if (!existsSync(path)) return undefined;
  try {
    const text = readFileSync(path, 'utf8').trim();
    return text || fail(name, `${file} is empty`);
  } catch (error) {
    if (error instanceof TenantConfigError) throw error;
    return fail(name, `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** Reads and checks tenant.json; throws a TenantConfigError naming the tenant and the field. */
export function readTenantDefinition(name: string, dir: string): TenantDefinition {
  if (!TENANT_NAME.test(name)) {
    fail(name, 'a tenant folder name is lower-case letters, digits and dashes (at most 32), starting with a letter');
  }
  const text = optionalText(name, dir, TENANT_FILES.definition) ?? fail(name, `${TENANT_FILES.definition} is missing`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    fail(name, `${TENANT_FILES.definition} is not JSON`);
  }
  const { waba_id: wabaId, phone_number_ids: phones, ...rest } = (json ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) fail(name, `${TENANT_FILES.definition}: unknown field ${unknown[0]} (expected waba_id, phone_number_ids)`);
  if (typeof wabaId !== 'string' || !GRAPH_ID.test(wabaId))
    fail(name, `${TENANT_FILES.definition}: waba_id must be the numeric WhatsApp Business Account id, as a string`);
  if (!Array.isArray(phones) || phones.length === 0 || !phones.every((id) => typeof id === 'string' && GRAPH_ID.test(id))) {
    fail(name, `${TENANT_FILES.definition}: phone_number_ids must be a non-empty list of numeric phone number ids, as strings`);
  }
  return { name, dir, wabaId: wabaId as string, phoneNumberIds: [...new Set(phones as string[])] };
}

/**
 * Reads a tenant's secrets, keys and token from its folder. `metaFormat` (production) accepts only
 * app secrets in Meta's format. A previous key or secret whose file does not exist means "none".
 */
export function readTenantCredentials(definition: TenantDefinition, options: { metaFormat?: boolean } = {}): TenantCredentials {
  const { name, dir } = definition;
  const field = (file: string) => `tenant "${name}": ${file}`;
  let appSecret: string | undefined;
  let appSecretPrevious: string | undefined;
  try {
    appSecret = readAppSecretFile(join(dir, TENANT_FILES.appSecret), field(TENANT_FILES.appSecret), {
      optional: true,
      metaFormat: options.metaFormat,
    });
    appSecretPrevious = readAppSecretFile(join(dir, TENANT_FILES.appSecretPrevious), field(TENANT_FILES.appSecretPrevious), {
      optional: true,
      metaFormat: options.metaFormat,
    });
  } catch (error) {
    throw new TenantConfigError((error as Error).message);
  }
  if (!appSecret) fail(name, `${TENANT_FILES.appSecret} is missing (the app secret of the app connected to this tenant's flows)`);
  const keys = readTenantKeys(definition);
  return {
    appSecret: appSecret!,
    appSecretPrevious,
    keys,
    graphToken: readTenantGraphToken(definition),
    verifyToken: optionalText(name, dir, TENANT_FILES.verifyToken),
  };
}

/**
 * A tenant's key ring sources: private.pem (required) and previous.pem when it exists, each with its
 * passphrase file. The keys tools read a tenant's keys through this too, as the server does.
 */
export function readTenantKeys(definition: TenantDefinition): KeySource[] {
  const { name, dir } = definition;
  const field = (file: string) => `tenant "${name}": ${file}`;
  if (!existsSync(join(dir, TENANT_FILES.privateKey))) fail(name, `${TENANT_FILES.privateKey} is missing (this tenant's current private key)`);
  const keys: KeySource[] = [
    {
      label: 'current',
      variable: field(TENANT_FILES.privateKey),
      file: join(dir, TENANT_FILES.privateKey),
      passphrase: optionalText(name, dir, TENANT_FILES.privateKeyPassphrase),
    },
  ];
  if (existsSync(join(dir, TENANT_FILES.previousKey))) {
    keys.push({
      label: 'previous',
      variable: field(TENANT_FILES.previousKey),
      file: join(dir, TENANT_FILES.previousKey),
      passphrase: optionalText(name, dir, TENANT_FILES.previousKeyPassphrase),
    });
  }
  return keys;
}

/** A tenant's Graph API token (graph-token), or undefined when its folder has none. */
export function readTenantGraphToken(definition: TenantDefinition): string | undefined {
  return optionalText(definition.name, definition.dir, TENANT_FILES.graphToken);
}

/** The tenant folders under `root`, by name (hidden entries, such as a mounted volume's `..data`, and plain files are skipped). */
export function tenantFolders(root: string): Array<{ name: string; dir: string }> {
  let entries: string[];
  try {
    if (!statSync(root).isDirectory()) throw new TenantConfigError(`${root} is not a folder`);
    entries = readdirSync(root);
  } catch (error) {
    if (error instanceof TenantConfigError) throw error;
    throw new TenantConfigError(`cannot read ${root} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return entries
    .filter((entry) => !entry.startsWith('.'))
    .map((entry) => ({ name: entry, dir: join(root, entry) }))
    .filter(({ dir }) => statSync(dir).isDirectory())
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Reads every tenant's definition and checks no phone number or WABA belongs to two tenants. */
export function readTenantDefinitions(root: string): TenantDefinition[] {
  const definitions = tenantFolders(root).map(({ name, dir }) => readTenantDefinition(name, dir));
  const owners = new Map<string, string>();
  for (const definition of definitions) {
    for (const [kind, id] of [['WABA', definition.wabaId] as const, ...definition.phoneNumberIds.map((id) => ['phone number id', id] as const)]) {
      const owner = owners.get(`${kind}:${id}`);
      if (owner)
        fail(definition.name, `${TENANT_FILES.definition}: ${kind} ${id} is tenant "${owner}"'s already (one tenant per WABA and per number)`);
      owners.set(`${kind}:${id}`, definition.name);
    }
  }
  return definitions;
}

/**
 * One digest of a tenant's credential files (a missing file counts as absent): a reload is due when it
 * changes. tenant.json is not among them: its numbers and WABA are read at boot only.
 */
export function credentialsDigest(definition: TenantDefinition): string {
  const hash = createHash('sha256');
  for (const file of Object.values(TENANT_FILES).filter((file) => file !== TENANT_FILES.definition)) {
    hash.update(file).update('\0');
    try {
      hash.update(readFileSync(join(definition.dir, file)));
    } catch (error) {
      hash.update(`<${(error as NodeJS.ErrnoException).code ?? 'unreadable'}>`);
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}
