import type { HttpException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { TooManyFailedAttempts, type AdminTokenGuard } from './admin-token.guard.js';

/**
 * Checks the admin token when a request arrives, before its body is read or parsed: without the
 * token an admin route answers 401 (404 when the admin API is disabled, 429 with Retry-After after
 * too many failures from the client's address) whatever the body. The guard on each admin controller
 * checks again.
 */
export function requireAdminToken(fastify: FastifyInstance, guard: AdminTokenGuard): void {
  // Callback style, as every hook on the hot path: an async hook costs a promise and a tick per request.
  fastify.addHook('onRequest', (request, reply, done) => {
    // The route that matched, not the URL: "/%61dmin/..." reaches the admin routes too.
    const route = request.routeOptions.url ?? request.url.split('?')[0];
    if (route !== '/admin' && !route.startsWith('/admin/')) return done();
    try {
      guard.authorize(request.headers.authorization, request.ip);
    } catch (error) {
      const refusal = error as HttpException;
      if (refusal instanceof TooManyFailedAttempts) reply.header('retry-after', String(refusal.retryAfterS));
      reply.code(refusal.getStatus()).send(refusal.getResponse());
      return;
    }
    done();
  });
}
