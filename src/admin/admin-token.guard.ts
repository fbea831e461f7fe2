import { Inject, Injectable, NotFoundException, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import { bearerToken, sameSecret } from '../http/secrets.js';
import { adminConfig } from './admin.config.js';

/**
 * `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time, before anything else on every
 * admin route. Without ADMIN_TOKEN the admin API does not exist (404).
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(adminConfig.KEY) private readonly config: ConfigType<typeof adminConfig>) {}

  canActivate(context: ExecutionContext): boolean {
    this.authorize(context.switchToHttp().getRequest<FastifyRequest>().headers.authorization);
    return true;
  }

  /** Throws the answer for a request that may not use the admin API (404 when it is disabled, else 401). */
  authorize(header: unknown): void {
    if (!this.config.token) throw new NotFoundException();
    const token = bearerToken(header);
    if (!token || !sameSecret(token, this.config.token)) throw new UnauthorizedException('Missing or invalid admin token');
  }
}
