import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Span } from '@opentelemetry/api';
import { KIND, traceBackend } from './spans.js';

const SPAN = Symbol('flowgate.tracing.span');
type Traced = FastifyRequest & { [SPAN]?: Span };

/** Routes whose requests make no trace: probes and scrapes, many a minute, saying nothing about a request. */
const UNTRACED = /^\/(?:health|metrics)(?:\/|$)/;

/**
 * A server span per HTTP request (stable HTTP semantic conventions: `{method} {route}`,
 * `http.request.method`, `http.route`, `http.response.status_code`, `error.type` for a 5xx). It
 * starts when the request arrives (parsing and the signature check included) and becomes the
 * active span from the first preHandler on, so guards, interceptors and handlers run under it.
 * Neither the URL's path nor its query is recorded: they may carry a token (the webhook's
 * verification) or an id. Nothing is registered when tracing is off.
 */
export function traceHttpRequests(fastify: FastifyInstance): void {
  const backend = traceBackend();
  if (!backend) return;
  fastify.addHook('onRequest', (request: Traced, _reply, done) => {
    const route = request.routeOptions.url;
    if (!route || UNTRACED.test(route)) return done();
    const method = request.method;
    request[SPAN] = backend.tracer.startSpan(
      `${method} ${route}`,
      {
        kind: KIND.server,
        attributes: {
          'http.request.method': method,
          'http.route': route,
          'url.scheme': request.protocol,
          'network.protocol.version': request.raw.httpVersion,
        },
      },
      // A caller's W3C trace context (traceparent) is continued.
      backend.extract(request.headers),
    );
    done();
  });
  fastify.addHook('preHandler', (request: Traced, _reply, done) => {
    const span = request[SPAN];
    if (!span) return done();
    // The rest of the request (Nest's guards, interceptors, the handler) runs with the span active.
    backend.withSpan(span, done);
  });
  fastify.addHook('onResponse', (request: Traced, reply, done) => {
    const span = request[SPAN];
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) {
        span.setAttribute('error.type', String(reply.statusCode));
        span.setStatus({ code: 2 });
      }
      span.end();
      request[SPAN] = undefined;
    }
    done();
  });
  // A request that never gets its answer (client gone, timeout) still ends its span.
  fastify.addHook('onRequestAbort', (request: Traced, done) => {
    const span = request[SPAN];
    if (span) {
      span.setAttribute('error.type', 'aborted');
      span.setStatus({ code: 2 });
      span.end();
      request[SPAN] = undefined;
    }
    done();
  });
}
