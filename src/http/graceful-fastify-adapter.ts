import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';

/**
 * Fastify for a graceful shutdown. From the moment Nest starts closing, every answer says
 * `Connection: close`: the server stops accepting connections but waits for open ones, and a
 * client that keeps its connection alive after getting its answer (WhatsApp's proxies, Node's
 * fetch) would otherwise hold the process for the whole keep-alive timeout (72 s), past the grace
 * time of a deploy, and get it killed. Requests in flight still get their full answer.
 */
export class GracefulFastifyAdapter extends FastifyAdapter {
  private closing = false;

  constructor(options: FastifyHttpOptions<Server>) {
    super(options);
    this.getInstance().addHook('onSend', (_request, reply, payload, done) => {
      if (this.closing) reply.header('connection', 'close');
      done(null, payload);
    });
  }

  override beforeClose(): void {
    this.closing = true;
    super.beforeClose();
  }
}
