import type { FastifyInstance } from 'fastify';
import type { BodyRequest } from '../../http/json-bodies.js';
import { sameSecret } from '../../http/secrets.js';
import { WASENDER_SIGNED_BODY } from './wasender-signature.guard.js';

/**
 * WASenderApi's secret travels in a header, so it can be checked before a byte of the body is read:
 * a request without the right one is `401` as soon as its headers arrive, and the connection closes
 * instead of receiving (up to 3.5 MiB of) a body nobody will look at. The route's guard checks again.
 */
export function requireWasenderSecret(fastify: FastifyInstance, secret: string | undefined): void {
  // Callback style, as every hook on the hot path: an async hook costs a promise and a tick per request.
  fastify.addHook('onRequest', (request: BodyRequest, reply, done) => {
    if ((request.routeOptions.config as { signedBody?: unknown } | undefined)?.signedBody !== WASENDER_SIGNED_BODY) return done();
    const header = request.headers[WASENDER_SIGNED_BODY.header];
    if (secret && typeof header === 'string' && sameSecret(header, secret)) return done();
    request.bodyUnread = true;
    reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: 'Missing or invalid X-Webhook-Signature' });
  });
}
