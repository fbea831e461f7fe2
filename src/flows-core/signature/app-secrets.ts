import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { SignedBody } from '../../http/json-bodies.js';
import { flowsConfig } from '../flows.config.js';
import { FlowKeyRing } from '../keys/flow-key-ring.js';
import { readAppSecretFile } from './app-secret-files.js';

export interface SecretMatch {
  label: 'current' | 'previous';
  fingerprint: string;
}

interface Secret extends SecretMatch {
  key: Buffer;
}

// Exactly "sha256=" and 64 hex digits: a regex, not a decoder that would drop an odd trailing digit.
const HEADER = /^sha256=([0-9a-fA-F]{64})$/;

/** Routes signed by Meta: a body whose header cannot be a signature is not even read. */
export const HUB_SIGNED_BODY: SignedBody = { header: 'x-hub-signature-256', shape: HEADER };

export function secretFingerprint(secret: string): string {
  return `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;
}

/** Signs a body as Meta does: `sha256=` + hex HMAC-SHA256 of the exact bytes with the app secret. */
export function signBody(body: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * The Meta app secret(s) that sign requests: the current one and, during a rotation window,
 * the previous one. Verifies `X-Hub-Signature-256` in constant time.
 */
@Injectable()
export class AppSecrets {
  private readonly logger = new Logger(AppSecrets.name);
  private secrets: Secret[];

  constructor(
    @Inject(flowsConfig.KEY) private readonly config: ConfigType<typeof flowsConfig>,
    ring: FlowKeyRing,
  ) {
    this.secrets = toSecrets(ring.credentials.appSecret, config.appSecretPrevious);
    // Secrets kept in files follow the keys: read again on every reload (SIGHUP, admin API, a changed file).
    if (config.appSecretFile || config.appSecretPreviousFile) ring.onReload(() => this.reload());
  }

  /** Reads the secret files again; a file that cannot be read (or is not a secret) keeps the working secrets. */
  reload(): void {
    const { appSecretFile, appSecretPreviousFile, metaFormatSecrets: metaFormat } = this.config;
    try {
      const keep = (label: SecretMatch['label']) => this.secrets.find((secret) => secret.label === label)?.key.toString();
      const current = appSecretFile ? readAppSecretFile(appSecretFile, 'WHATSAPP_APP_SECRET_FILE', { metaFormat }) : keep('current');
      const previous = appSecretPreviousFile
        ? readAppSecretFile(appSecretPreviousFile, 'WHATSAPP_APP_SECRET_PREVIOUS_FILE', { optional: true, metaFormat })
        : keep('previous');
      this.secrets = toSecrets(current, previous);
      this.logger.log(`App secrets reloaded: ${this.secrets.map((secret) => `${secret.label}=${secret.fingerprint}`).join(', ')}`);
    } catch (error) {
      this.logger.error(`App secret reload failed, keeping the working secrets: ${(error as Error).message}`);
    }
  }

  /** Signs `body` as Meta would, with the current secret (the synthetic probe's requests). */
  sign(body: Buffer | string): string | undefined {
    const current = this.secrets.find((secret) => secret.label === 'current');
    return current && signBody(body, current.key.toString());
  }

  /** The secret that signed `rawBody`, or undefined (also when no secret is configured: fail closed). */
  verify(rawBody: Buffer | undefined, header: unknown): SecretMatch | undefined {
    if (!rawBody || typeof header !== 'string') return undefined;
    const match = HEADER.exec(header);
    if (!match) return undefined;
    const given = Buffer.from(match[1], 'hex');
    let found: SecretMatch | undefined;
    // Check every secret so the time taken does not reveal which one matched.
    for (const secret of this.secrets) {
      const expected = createHmac('sha256', secret.key).update(rawBody).digest();
      if (expected.length === given.length && timingSafeEqual(expected, given) && !found) {
        found = { label: secret.label, fingerprint: secret.fingerprint };
      }
    }
    return found;
  }
}

function toSecrets(current: string | undefined, previous: string | undefined): Secret[] {
  const entries: Array<[SecretMatch['label'], string | undefined]> = [
    ['current', current],
    ['previous', previous],
  ];
  return entries
    .filter((entry): entry is [SecretMatch['label'], string] => Boolean(entry[1]))
    .map(([label, secret]) => ({ label, fingerprint: secretFingerprint(secret), key: Buffer.from(secret) }));
}
