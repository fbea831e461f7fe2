import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import { sameSecret } from '../../http/secrets.js';
import { webhooksConfig } from '../webhooks.config.js';

/** WASenderApi sends its webhook secret as-is in X-Webhook-Signature; compared in constant time. */
@Injectable()
export class WasenderSignatureGuard implements CanActivate {
  constructor(@Inject(webhooksConfig.KEY) private readonly config: ConfigType<typeof webhooksConfig>) {}

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers['x-webhook-signature'];
    const secret = this.config.wasenderSecret;
    if (!secret || typeof header !== 'string' || !sameSecret(header, secret)) {
      throw new UnauthorizedException('Missing or invalid X-Webhook-Signature');
    }
    return true;
  }
}
