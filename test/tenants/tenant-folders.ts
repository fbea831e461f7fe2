import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair, type TestKeyPair } from '../kit/test-keys.js';

/** A tenant as the tests configure it: its folder's content, and what its side of WhatsApp knows. */
export interface TestTenant {
  name: string;
  dir: string;
  wabaId: string;
  phoneNumberIds: string[];
  appSecret: string;
  keys: TestKeyPair;
  graphToken: string;
}

/** A TENANTS_DIR in a temporary folder; `remove()` deletes it. */
export class TenantFolders {
  readonly root = mkdtempSync(join(tmpdir(), 'flowgate-tenants-'));

  /** Writes `<root>/<name>/` as an operator would: tenant.json, app-secret, private.pem (+ passphrase), graph-token. */
  add(name: string, options: { wabaId: string; phoneNumberIds: string[]; passphrase?: string }): TestTenant {
    const dir = join(this.root, name);
    mkdirSync(dir, { mode: 0o700 });
    const keys = generateTestKeyPair(options.passphrase ? { passphrase: options.passphrase } : {});
    const tenant: TestTenant = { name, dir, ...options, appSecret: generateAppSecret(), keys, graphToken: `token-${name}-${generateAppSecret()}` };
    this.write(name, 'tenant.json', JSON.stringify({ waba_id: options.wabaId, phone_number_ids: options.phoneNumberIds }));
    this.write(name, 'app-secret', `${tenant.appSecret}\n`);
    this.write(name, 'private.pem', keys.privatePem);
    if (options.passphrase) this.write(name, 'private.pem.passphrase', options.passphrase);
    this.write(name, 'graph-token', tenant.graphToken);
    return tenant;
  }

  write(name: string, file: string, content: string): void {
    writeFileSync(join(this.root, name, file), content, { mode: 0o600 });
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * WhatsApp's client for a tenant's endpoint (`/flows/<tenant>/<flow>`): the tenant's public key and
 * app secret, unless a test gives others; the phone knows each flow's Flow JSON.
 */
export function tenantClient(
  url: string,
  tenant: string,
  credentials: { publicPem: string; appSecret: string },
  flowJsonOf: (flow: string) => { version?: string; data_api_version?: string } | undefined,
): { send: FlowTestClient; flow: (name: string) => string } {
  // The kit posts to /flows/<flow>: `<tenant>/<flow>` as the flow name gives the tenant's URL.
  const send = new FlowTestClient({
    baseUrl: url,
    publicKey: credentials.publicPem,
    appSecret: credentials.appSecret,
    flowJsonOf: (flow) => flowJsonOf(flow.split('/').pop()!),
  });
  return { send, flow: (name) => `${tenant}/${name}` };
}
