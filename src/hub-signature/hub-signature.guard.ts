import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { parseSignedBody } from '../http/json-bodies.js';
import { AppSecrets, type SecretMatch } from './app-secrets.js';

export type SignedRequest = FastifyRequest & { rawBody?: Buffer; signedWith?: SecretMatch };

/**
 * Verifies the request's `X-Hub-Signature-256` with `secrets` and, when it matches, records which
 * secret signed it and parses the body (nothing reads an unsigned body). For guards that choose the
 * secrets per request (a tenant's); returns the match, or undefined.
 */
export function acceptSigned(request: SignedRequest, secrets: AppSecrets, logger: Logger): SecretMatch | undefined {
  const match = secrets.verify(request.rawBody, request.headers['x-hub-signature-256']);
  if (!match) return undefined;
  request.signedWith = match;
  (request.raw as { signedWith?: string }).signedWith = `${match.label}:${match.fingerprint}`;
  // The request's log line names the secret (signedWith); only the previous one is worth a line of its own.
  if (match.label === 'previous') logger.log(`Signature matched the previous app secret ${match.fingerprint}`);
  parseSignedBody(request);
  return match;
}

/**
 * Verifies `X-Hub-Signature-256` over the raw request bytes, then parses them: nothing reads an
 * unsigned body, so unsigned bytes cost a hash at most. Subclasses decide how a failure is answered
 * (the Flows endpoint wants 432, webhooks 401). The route needs `@RouteConfig({ signedBody:
 * HUB_SIGNED_BODY })`, which leaves its body unparsed until here.
 */
@Injectable()
export abstract class HubSignatureGuard implements CanActivate {
  protected readonly logger = new Logger(this.constructor.name);

  constructor(private readonly secrets: AppSecrets) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<SignedRequest>();
    return acceptSigned(request, this.secrets, this.logger) ? true : this.reject();
  }

  /** Throws the failure answer for this route. */
  protected abstract reject(): never;
}
