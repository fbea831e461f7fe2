import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { SignedBody } from '../http/json-bodies.js';

export interface SecretMatch {
  label: 'current' | 'previous';
  fingerprint: string;
}

/**
 * Where the secrets come from: the module that owns the credentials provides this token (the flows
 * core does, from its configuration and key ring), so this room depends on nothing above it.
 */
export const APP_SECRETS_SOURCE = Symbol('APP_SECRETS_SOURCE');

export interface AppSecretsSource {
  /** The Meta app secret requests are signed with. Unset: every signature fails (fail closed). */
  current?: string;
  /** During a rotation window, the secret before it. */
  previous?: string;
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
function toSecrets(current: string | undefined, previous: string | undefined): Secret[] {
  const entries: Array<[SecretMatch['label'], string | undefined]> = [
    ['current', current],
    ['previous', previous],
  ];
  return entries
    .filter((entry): entry is [SecretMatch['label'], string] => Boolean(entry[1]))
    .map(([label, secret]) => ({ label, fingerprint: secretFingerprint(secret), key: Buffer.from(secret) }));
}

@Injectable()
export class AppSecrets {
  private secrets: Secret[];

  constructor(@Inject(APP_SECRETS_SOURCE) source: AppSecretsSource) {
    this.secrets = toSecrets(source.current, source.previous);
  }

  /** Takes new secrets (the owner of the configuration read them again, e.g. from files on a reload). */
  replace(current: string | undefined, previous: string | undefined): void {
    this.secrets = toSecrets(current, previous);
  }

  /** The secret with `label`, as text (to keep the one a partial reload does not change). */
  secret(label: SecretMatch['label']): string | undefined {
    return this.secrets.find((secret) => secret.label === label)?.key.toString();
  }

  /** The fingerprints of the secrets in use, for log lines. */
  fingerprints(): string {
    return this.secrets.map((secret) => `${secret.label}=${secret.fingerprint}`).join(', ');
  }

  /** Signs `body` as Meta would, with the current secret (the synthetic probe's requests). */
  sign(body: Buffer | string): string | undefined {
    const current = this.secret('current');
    return current && signBody(body, current);
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
