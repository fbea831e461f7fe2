import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import { Module, RequestMethod } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { appConfig } from '../config/app.config.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The request id: the caller's `x-request-id` when it looks like one, else a new UUID. */
export function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

type ServedRequest = IncomingMessage & { flowKey?: string; signedWith?: string };

function withKeys(req: ServedRequest, line: Record<string, unknown>): Record<string, unknown> {
  if (req.flowKey) line.flowKey = req.flowKey;
  if (req.signedWith) line.signedWith = req.signedWith;
  return line;
}

/** Paths never written to logs, whatever the level. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-webhook-signature"]',
  'req.headers["x-api-key"]',
  'req.body',
  'res.headers["set-cookie"]',
];

/**
 * Structured JSON logs through pino. Every line written during a request carries its request id
 * (taken from `x-request-id` when it looks like one, else generated). URLs are logged without
 * their query string, which can carry verification tokens.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      imports: [ConfigModule.forFeature(appConfig)],
      inject: [appConfig.KEY],
      useFactory: (config: ConfigType<typeof appConfig>) => ({
        forRoutes: [{ path: '*', method: RequestMethod.ALL }],
        pinoHttp: {
          level: config.logLevel,
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          // Fastify assigns the id first (see app.factory.ts); reuse it so both agree.
          genReqId: (req: IncomingMessage) => (req as { id?: string }).id ?? requestIdFor(req),
          base: { pid: process.pid, hostname: hostname(), service: 'flowgate' },
          // Which flow key and app secret served the request, by fingerprint: tells when an old one can retire.
          // Added to the completion line itself: per-request child loggers cost every request.
          customSuccessObject: (req: ServedRequest, _res: unknown, line: Record<string, unknown>) => withKeys(req, line),
          customErrorObject: (req: ServedRequest, _res: unknown, _error: unknown, line: Record<string, unknown>) => withKeys(req, line),
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              path: req.url?.split('?')[0],
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          // Probes would otherwise fill the log with one line per second.
          autoLogging: { ignore: (req: IncomingMessage) => req.url?.startsWith('/health') ?? false },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
