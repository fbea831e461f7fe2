import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appConfig } from '../config/app.config.js';
import { flowLabels, flowTenantOf } from '../metrics/flow-request-metrics.js';
import { AppLogger } from './app-logger.js';
import { withRequestId } from './request-context.js';
import { createLoggers, writeInfoLine } from './root-logger.js';

type ServedRequest = { flowKey?: string; signedWith?: string };

/** The one line a request leaves: who asked for what, how it ended, which key and secret served it. */
function completionLine(request: FastifyRequest, reply: FastifyReply): Record<string, unknown> {
  const raw = request.raw as ServedRequest;
  const line: Record<string, unknown> = {
    req: { id: request.id, method: request.method, path: request.url.split('?')[0] },
    res: { statusCode: reply.statusCode },
    responseTime: Math.round(reply.elapsedTime * 10) / 10,
  };
  // Data endpoint requests: which flow, screen and action, and how the router answered.
  const labels = flowLabels(request.raw);
  if (labels) Object.assign(line, labels);
  // A tenant's endpoint: its name (never its WABA or numbers).
  const tenant = flowTenantOf(request.raw);
  if (tenant) line.tenant = tenant;
  // Which flow key and app secret served it, by fingerprint: tells when an old one can retire.
  if (raw.flowKey) line.flowKey = raw.flowKey;
  if (raw.signedWith) line.signedWith = raw.signedWith;
  return line;
}

/**
 * Structured logs through pino: JSON lines (readable ones on a developer's terminal), each written
 * during a request carrying its id, and one completion line per request written from a Fastify hook
 * when the answer has gone (no logger per request). Health probes leave no line. URLs are logged
 * without their query string, which can carry verification tokens; headers and bodies never.
 */
@Global()
@Module({
  imports: [ConfigModule.forFeature(appConfig)],
  providers: [
    {
      provide: AppLogger,
      inject: [appConfig.KEY],
      useFactory: (config: ConfigType<typeof appConfig>) => {
        const { root, requests } = createLoggers({ level: config.logLevel, format: config.logFormat });
        return new AppLogger(root, requests);
      },
    },
  ],
  exports: [AppLogger],
})
export class LoggingModule implements OnModuleInit {
  constructor(
    private readonly logger: AppLogger,
    private readonly http: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    // An application context without HTTP (`db:seed`) has no requests to log.
    if (!this.http.httpAdapter) return;
    const fastify = this.http.httpAdapter.getInstance<FastifyInstance>();
    const root = this.logger.requests;
    fastify.addHook('onRequest', (request, _reply, done) => withRequestId(request.id, done));
    fastify.addHook('onResponse', (request, reply, done) => {
      if (!request.url.startsWith('/health')) {
        if (reply.statusCode >= 500) root.error(completionLine(request, reply), 'request failed');
        else if (root.isLevelEnabled('info')) writeInfoLine(root, completionLine(request, reply), 'request completed');
      }
      done();
    });
  }
}
