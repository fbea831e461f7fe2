// `--tenant <name>` for the keys and meta commands: the tenant's folder under TENANTS_DIR, read as the
// server reads it (docs/tenants.md), so an operator runs every key and flow command per tenant.
import {
  loadRing,
  readTenantCredentials,
  readTenantDefinition,
  readTenantGraphToken,
  readTenantKeys,
  TENANT_FILES,
  TenantConfigError,
  tenantFolders,
  type RingKey,
  type TenantDefinition,
} from '../flows-core/testing.js';
import { CliError } from './cli/errors.js';

/** The tenant's folder, its WABA and numbers; one line naming what to fix otherwise. */
export function resolveTenant(name: string): TenantDefinition {
  const root = process.env.TENANTS_DIR;
  if (!root) throw new CliError(`--tenant needs TENANTS_DIR: set it to the folder holding one folder per tenant, as the server has it`);
  const folders = tenantConfig(() => tenantFolders(root));
  const found = folders.find((folder) => folder.name === name);
  if (!found) {
    const shown = JSON.stringify(name.slice(0, 64));
    throw new CliError(`No tenant ${shown} in TENANTS_DIR ${root} (tenants: ${folders.map((folder) => folder.name).join(', ') || 'none'})`);
  }
  return tenantConfig(() => readTenantDefinition(found.name, found.dir));
}

/** The tenant's Graph API token (its graph-token file); never printed. */
export function tenantGraphToken(tenant: TenantDefinition): string {
  const token = tenantConfig(() => readTenantGraphToken(tenant));
  if (!token) {
    throw new CliError(`tenant "${tenant.name}": ${TENANT_FILES.graphToken} is missing: put the Graph API token of its business in ${tenant.dir}`);
  }
  return token;
}

/** What signs and encrypts as Meta does for the tenant: its current app secret (never printed) and key ring, read once. */
export function tenantSigning(tenant: TenantDefinition): { appSecret: string; ring: RingKey[] } {
  return tenantConfig(() => {
    const credentials = readTenantCredentials(tenant);
    return { appSecret: credentials.appSecret, ring: loadRing(credentials.keys) };
  });
}

/** The tenant's key ring, current key first, as the server loads it. */
export function tenantRing(tenant: TenantDefinition): RingKey[] {
  return tenantConfig(() => loadRing(readTenantKeys(tenant)));
}

/** A tenant folder that cannot be read is one line naming the tenant and the file, never a stack. */
function tenantConfig<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof TenantConfigError) throw new CliError(`TENANTS_DIR: ${error.message}`);
    if (error instanceof Error && /^tenant "/.test(error.message)) throw new CliError(error.message);
    throw error;
  }
}

/** ` --tenant acme` for the commands a line suggests, so they are run for the same tenant. */
export const tenantFlag = (tenant?: string) => (tenant ? ` --tenant ${tenant}` : '');
