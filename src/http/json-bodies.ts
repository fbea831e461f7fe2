import type { FastifyInstance } from 'fastify';

/**
 * Every Flowgate route that takes a body takes JSON (the data endpoint, webhooks, the admin API).
 * A body of another type is refused with 415 before it is read, instead of reaching a parser that
 * Nest registers for forms and plain text.
 */
export function requireJsonBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return;
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (mediaType !== 'application/json') {
      await reply.code(415).send({ statusCode: 415, error: 'Unsupported Media Type', message: 'The body must be application/json' });
    }
  });
}
