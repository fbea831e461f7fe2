import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';

/**
 * Fastify for a graceful shutdown. From the moment Nest starts closing, every answer says
 * `Connection: close`: the server stops accepting connections but waits for open ones, and a
 * client that keeps its connection alive after getting its answer (WhatsApp's proxies, Node's
 * fetch) would otherwise hold the process for the whole keep-alive timeout (72 s), past the grace
 * time of a deploy, and get it killed. Requests in flight still get their full answer. With a drain
 * delay, readiness fails first (see ShutdownReadiness) while everything is still served.
 */
export class GracefulFastifyAdapter extends FastifyAdapter {
  private closing = false;
  /** How long the process keeps serving, readiness failing, before it stops accepting (HTTP_DRAIN_DELAY_MS). */
  drainDelayMs = 0;

  constructor(options: FastifyHttpOptions<Server>) {
    super(options);
    this.getInstance().addHook('onSend', (_request, reply, payload, done) => {
      if (this.closing) reply.header('connection', 'close');
      done(null, payload);
    });
  }

  /** True from the start of the shutdown: readiness fails (load balancers stop sending), requests are still served. */
  get draining(): boolean {
    return this.closing;
  }

  override async beforeClose(): Promise<void> {
    this.closing = true;
    // Fail readiness first and keep serving until the load balancer has taken this process out.
    if (this.drainDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.drainDelayMs));
    super.beforeClose();
  }
}
