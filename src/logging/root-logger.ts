import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'json' | 'pretty';

/** Paths never written to logs, whatever the level (nothing logs requests whole; this is a backstop). */
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
 * The process's one pino logger. JSON lines by default; readable, coloured lines for a person at a
 * terminal (`pretty`), written synchronously so a crash never loses the line that explains it.
 */
export function createRootLogger(options: { level: string; format: LogFormat; role?: string }): Logger {
  const base = { pid: process.pid, hostname: hostname(), service: 'flowgate', ...(options.role ? { role: options.role } : {}) };
  const settings = { level: options.level, base, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (options.format === 'json') return pino(settings);
  return pino(
    settings,
    pretty({
      colorize: true,
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      // Request lines on one line: the fields a person scans for; JSON keeps them all.
      ignore: 'pid,hostname,service,role,context,req,res,responseTime,flow,screen,action,outcome,flowKey,signedWith,reqId',
      messageFormat: (log, messageKey) => {
        const message = String(log[messageKey] ?? '');
        const req = log.req as { method?: string; path?: string } | undefined;
        if (!req) return log.context ? `${String(log.context)}: ${message}` : message;
        const res = log.res as { statusCode?: number } | undefined;
        const flow = log.flow ? ` · ${[log.flow, log.action, log.screen].filter(Boolean).join(' ')} → ${String(log.outcome)}` : '';
        return `${req.method} ${req.path} ${res?.statusCode} ${String(log.responseTime)} ms${flow}`;
      },
    }),
  );
}
