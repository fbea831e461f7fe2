import { ForbiddenException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { sameSecret } from '../../http/secrets.js';

/**
 * Meta's subscription check (GET with `hub.mode=subscribe`, `hub.verify_token`, `hub.challenge`):
 * the challenge when the token is `expected`, else 403. Each parameter must be given once.
 */
export function subscriptionChallenge(request: FastifyRequest, expected: string | undefined): string {
  const query = new URLSearchParams(request.url.split('?')[1] ?? '');
  const single = (name: string) => (query.getAll(name).length === 1 ? query.get(name)! : undefined);
  const [mode, token, challenge] = [single('hub.mode'), single('hub.verify_token'), single('hub.challenge')];
  if (mode !== 'subscribe' || !token || !challenge || !expected || !sameSecret(token, expected)) {
    throw new ForbiddenException('Verification failed');
  }
  return challenge;
}
