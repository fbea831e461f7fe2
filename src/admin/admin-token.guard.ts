import {
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  NotFoundException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import { bearerToken, sameSecret } from '../http/secrets.js';
import { adminConfig } from './admin.config.js';
import { FailedAttempts } from './failed-attempts.js';

/** 429: too many failed admin token attempts from one address; `retryAfterS` goes in Retry-After. */
export class TooManyFailedAttempts extends HttpException {
  constructor(readonly retryAfterS: number) {
    super(
      { statusCode: 429, error: 'Too Many Requests', message: `Too many failed admin token attempts from this address; retry in ${retryAfterS} s` },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time, before anything else on every
 * admin route. Without ADMIN_TOKEN the admin API does not exist (404). An address that sent a wrong
 * or missing token too often is refused (429) before its token is compared, until its window ends:
 * comparing it and letting a right one through would tell a guesser which guess was right.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly failures: FailedAttempts;

  constructor(@Inject(adminConfig.KEY) private readonly config: ConfigType<typeof adminConfig>) {
    this.failures = new FailedAttempts(config.maxFailures, config.failureWindowMs);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    this.authorize(request.headers.authorization, request.ip);
    return true;
  }

  /**
   * Throws the answer for a request that may not use the admin API: 404 when it is disabled, 429
   * when `address` failed too often, else 401.
   */
  authorize(header: unknown, address: string): void {
    if (!this.config.token) throw new NotFoundException();
    const retryAfterS = this.failures.retryAfterS(address);
    if (retryAfterS > 0) throw new TooManyFailedAttempts(retryAfterS);
    const token = bearerToken(header);
    if (!token || !sameSecret(token, this.config.token)) {
      this.failures.failed(address);
      throw new UnauthorizedException('Missing or invalid admin token');
    }
    this.failures.succeeded(address);
  }
}
