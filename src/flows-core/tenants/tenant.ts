import { AppSecrets } from '../../hub-signature/index.js';
import type { ReloadResult } from '../keys/flow-key-ring.js';
import { loadRing, type RingKey } from '../keys/ring-key.js';
import { credentialsDigest, readTenantCredentials, TenantConfigError, type TenantDefinition } from './tenant-files.js';

/**
 * One tenant at run time: its WABA and numbers, the app secrets that sign its requests and webhooks,
 * its key ring and its Graph API token. Reloading reads every file again and swaps them all only when
 * all of them load, like the single-tenant key ring.
 */
export class Tenant {
  readonly secrets: AppSecrets;
  private ring: readonly RingKey[] = [];
  private token?: string;
  private subscriptionToken?: string;
  /** The digest of the files last read, loaded or not: a bad file is reported once, not on every poll. */
  private seenDigest = '';

  constructor(
    readonly definition: TenantDefinition,
    private readonly options: { metaFormat: boolean },
  ) {
    this.secrets = new AppSecrets({});
    this.load();
  }

  get name(): string {
    return this.definition.name;
  }

  /** Keys to try, current first. */
  candidates(): readonly RingKey[] {
    return this.ring;
  }

  /** The token sends of this tenant carry; undefined when its folder has no graph-token. */
  get graphToken(): string | undefined {
    return this.token;
  }

  /** The verify token of its webhook URL's subscription check (its verify-token file); undefined: WHATSAPP_VERIFY_TOKEN. */
  get verifyToken(): string | undefined {
    return this.subscriptionToken;
  }

  /** Whether the credential files changed since they were loaded. */
  changed(): boolean {
    return credentialsDigest(this.definition) !== this.seenDigest;
  }

  /** Re-reads the tenant's files; keeps the working credentials when any of them fails. */
  reload(): ReloadResult {
    try {
      this.load();
      return { ok: true, fingerprints: this.ring.map((key) => key.fingerprint) };
    } catch (error) {
      return { ok: false, fingerprints: this.ring.map((key) => key.fingerprint), error: (error as Error).message };
    }
  }

  /** Fingerprints of keys and secrets, for logs and health (never key material). */
  describe(): string {
    return `keys ${this.ring.map((key) => `${key.label}=${key.fingerprint}`).join(', ')}; app secrets ${this.secrets.fingerprints()}`;
  }

  private load(): void {
    this.seenDigest = credentialsDigest(this.definition);
    const credentials = readTenantCredentials(this.definition, this.options);
    let ring: RingKey[];
    try {
      ring = loadRing(credentials.keys);
    } catch (error) {
      throw new TenantConfigError((error as Error).message);
    }
    this.ring = ring;
    this.secrets.replace(credentials.appSecret, credentials.appSecretPrevious);
    this.token = credentials.graphToken;
    this.subscriptionToken = credentials.verifyToken;
  }
}
