import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { parseSignedBody, type BodyRequest, type SignedBody } from '../../http/json-bodies.js';
import { sameSecret } from '../../http/secrets.js';
import { webhooksConfig } from '../webhooks.config.js';

/**
 * The WASenderApi route's body waits for this guard; without the right secret it is not even read
 * (`requireWasenderSecret` refuses the request when its headers arrive).
 */
export const WASENDER_SIGNED_BODY: SignedBody = { header: 'x-webhook-signature', shape: /./ };

/**
 * WASenderApi sends its webhook secret as-is in X-Webhook-Signature; compared in constant time, and
 * only then is the body parsed.
 */
@Injectable()
export class WasenderSignatureGuard implements CanActivate {
  constructor(@Inject(webhooksConfig.KEY) private readonly config: ConfigType<typeof webhooksConfig>) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<BodyRequest>();
    const header = request.headers['x-webhook-signature'];
    const secret = this.config.wasenderSecret;
    if (!secret || typeof header !== 'string' || !sameSecret(header, secret)) {
      throw new UnauthorizedException('Missing or invalid X-Webhook-Signature');
    }
    parseSignedBody(request);
    return true;
  }
}
