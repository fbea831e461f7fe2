import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MAX_JSON_DEPTH, nestsDeeperThan, strictUtf8 } from './strict-json.js';

const refuse = (status: number, error: string, message: string) => ({ statusCode: status, error, message });

/**
 * Every Flowgate route that takes a body takes JSON (the data endpoint, webhooks, the admin API).
 * A body of another type is refused with 415 before it is read (Nest registers parsers for forms and
 * plain text too); JSON that is not UTF-8 or nests absurdly deep is a 400 before any handler runs.
 */
export function requireJsonBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return;
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (mediaType !== 'application/json') {
      await reply.code(415).send(refuse(415, 'Unsupported Media Type', 'The body must be application/json'));
    }
  });

  fastify.addHook('preValidation', async (request: FastifyRequest & { rawBody?: Buffer }, reply) => {
    if (request.rawBody) {
      try {
        strictUtf8.decode(request.rawBody);
      } catch {
        return reply.code(400).send(refuse(400, 'Bad Request', 'The body is not valid UTF-8'));
      }
    }
    if (nestsDeeperThan(request.body)) {
      return reply.code(400).send(refuse(400, 'Bad Request', `The body is nested deeper than ${MAX_JSON_DEPTH} levels`));
    }
  });
}
