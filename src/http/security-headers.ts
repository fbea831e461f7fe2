import type { FastifyInstance } from 'fastify';

/**
 * Headers on every answer. Flowgate serves no page: JSON for people (admin API, health), Prometheus
 * text and WhatsApp's base64 replies. So nothing may be sniffed into HTML, framed, cached by a proxy
 * (admin answers carry tokens), or allowed to load anything, and the Referer never leaves.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * Sets the headers when the request arrives, so answers written early (401, 413, 415) carry them too.
 * (Fastify and Nest's adapter announce nothing about the stack: no `server` or `x-powered-by`.)
 */
export function addSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    done();
  });
}
