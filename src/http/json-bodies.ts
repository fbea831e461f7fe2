import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import getRawBody from 'raw-body';
import type { BodyBudget } from './body-budget.js';
import { parseStrictJson, StrictJsonError } from './strict-json.js';

const refuse = (status: number, error: string, message: string) => ({ statusCode: status, error, message });

/**
 * Route config (`@RouteConfig({ signedBody })`) of a route whose body is signed: the body is only
 * collected, never parsed or scanned, until the route's signature guard has verified the exact
 * bytes and called `parseSignedBody`. When the signature header is missing or cannot be a
 * signature (`shape`), the body is not even read: the guard refuses the request as it would any
 * bad signature.
 */
export interface SignedBody {
  /** Lower-case header name. */
  header: string;
  shape: RegExp;
}

export type BodyRequest = FastifyRequest & { rawBody?: Buffer; bodyUnread?: boolean };

const signedBodyOf = (request: FastifyRequest) => (request.routeOptions.config as { signedBody?: SignedBody } | undefined)?.signedBody;

const hasBody = (request: FastifyRequest) => Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;

/** Whether the request's signature header could be a signature at all (no body needed to tell). */
function mayBeSigned(request: FastifyRequest, signed: SignedBody): boolean {
  const value = request.headers[signed.header];
  return typeof value === 'string' && signed.shape.test(value);
}

/**
 * Every Flowgate route that takes a body takes JSON (the data endpoint, webhooks, the admin API).
 * A body of another type is refused with 415 before it is read. JSON bodies are read within the
 * route's body limit (413) and the process-wide `budget` (503); a route without a signature gets its
 * body parsed at once under the strict rules (UTF-8, no prototype keys, depth; else 400), a signed
 * route gets it parsed by its guard once the signature matched.
 */
export function requireJsonBodies(fastify: FastifyInstance, budget: BodyBudget): void {
  // Callback-style hooks: an async one costs a promise and a tick on every request.
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!hasBody(request)) return done();
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (mediaType !== 'application/json') {
      reply.code(415).send(refuse(415, 'Unsupported Media Type', 'The body must be application/json'));
      return;
    }
    done();
  });

  // The body counts against the budget until its answer is sent or its connection closes.
  fastify.addHook('preParsing', (request, reply, payload, done) => {
    if (!hasBody(request)) return done(null, payload);
    const signed = signedBodyOf(request);
    if (signed && !mayBeSigned(request, signed)) return done(null, payload); // not read at all
    const declared = Number(request.headers['content-length']);
    const limit = request.routeOptions.bodyLimit ?? fastify.initialConfig.bodyLimit ?? 1024 * 1024;
    if (declared > limit) return done(null, payload); // refused with 413 before reading
    const bytes = Number.isNaN(declared) ? limit : declared;
    if (!budget.reserve(bytes)) {
      reply
        .code(503)
        .header('retry-after', '1')
        .header('connection', 'close')
        .send(refuse(503, 'Service Unavailable', 'Too many request bodies are being received at once; retry shortly'));
      return;
    }
    let released = false;
    reply.raw.once('close', () => {
      if (!released) budget.release(bytes);
      released = true;
    });
    done(null, payload);
  });

  closeWhenBodyUnread(fastify);

  // Replaces the parsers Fastify and Nest register (Nest's rawBody parser parsed every JSON body
  // before any guard ran, so unsigned bytes cost a full parse).
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', (request: BodyRequest, payload, done) => {
    const signed = signedBodyOf(request);
    if (signed && !mayBeSigned(request, signed)) {
      request.bodyUnread = true;
      done(null, undefined);
      return;
    }
    const declared = request.headers['content-length'];
    const limit = request.routeOptions.bodyLimit ?? fastify.initialConfig.bodyLimit;
    getRawBody(payload, { length: declared, limit }, (error, bytes) => {
      if (error) {
        const status = (error as { status?: number }).status;
        if (status === 413) done(new PayloadTooLargeException('The body is larger than this route accepts'), undefined);
        else done(new BadRequestException('The body was not received completely'), undefined);
        return;
      }
      request.rawBody = bytes;
      if (signed) {
        done(null, undefined);
        return;
      }
      try {
        done(null, parseStrictJson(bytes));
      } catch (parseError) {
        done(new BadRequestException((parseError as Error).message), undefined);
      }
    });
  });
}

/**
 * An answer given without reading the body closes its connection: keeping it alive would mean
 * reading (and throwing away) the rest of the body first, which is the very work refused.
 */
function closeWhenBodyUnread(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request: BodyRequest, reply, payload, done) => {
    if (request.bodyUnread) reply.header('connection', 'close');
    done(null, payload);
  });
}

/**
 * The body of a signed route, parsed under the strict rules once its signature matched: a JSON
 * object, else 400. Guards call it right after verifying `rawBody`.
 */
export function parseSignedBody(request: BodyRequest): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseStrictJson(request.rawBody ?? Buffer.alloc(0));
  } catch (error) {
    throw new BadRequestException(error instanceof StrictJsonError ? error.message : 'The body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequestException('The body must be a JSON object');
  request.body = value;
  return value as Record<string, unknown>;
}
