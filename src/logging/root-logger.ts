import { hostname } from 'node:os';
import { pino, type DestinationStream, type Logger } from 'pino';
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

export interface LoggerOptions {
  level: string;
  format: LogFormat;
  role?: string;
}

/** The process's pino logger (see `createLoggers`). */
export function createRootLogger(options: LoggerOptions): Logger {
  return createLoggers(options).root;
}

/**
 * The process's pino loggers, writing to one stdout stream: JSON lines by default; readable,
 * coloured lines for a person at a terminal (`pretty`, written synchronously so a crash never loses
 * the line that explains it). `requests` writes the request completion lines: they are built field by
 * field from values that are never secret (ids, labels, fingerprints), so they skip the redaction
 * pass, a selective clone of every line that would cost each request and find nothing.
 */
export function createLoggers(options: LoggerOptions): { root: Logger; requests: Logger } {
  const base = { pid: process.pid, hostname: hostname(), service: 'flowgate', ...(options.role ? { role: options.role } : {}) };
  const settings = { level: options.level, base };
  const redact = { paths: REDACTED_PATHS, censor: '[redacted]' };
  if (options.format === 'pretty') {
    const root = pino({ ...settings, redact }, prettyStream());
    return { root, requests: pino(settings, (root as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym]) };
  }
  const { immediate, buffered } = jsonStreams();
  return { root: pino({ ...settings, redact }, immediate), requests: pino(settings, buffered) };
}

/**
 * Request completion lines gather in memory and go to stdout when 4 KiB have gathered or 250 ms
 * have passed: a write(2) per line was the largest single cost of a request after its RSA unwrap.
 * Every other line (start-up, warnings, errors) goes out at once, after the completion lines before
 * it, through the same stream (so lines never interleave). pino flushes the buffer when the process
 * exits, a crash included; only a SIGKILL can lose the last quarter second of completion lines.
 */
export const LOG_BUFFER = { minLength: 4096, periodicFlushMs: 250 } as const;

function jsonStreams(): { immediate: DestinationStream; buffered: DestinationStream } {
  const buffered = pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER.minLength, periodicFlush: LOG_BUFFER.periodicFlushMs });
  const immediate = {
    write(line: string) {
      buffered.write(line);
      // No callback: each one would add 'drain' and 'error' listeners until the write under way ends,
      // and a burst of start-up lines (one more per flow module) passed Node's limit of 10 with a warning.
      buffered.flush();
    },
  };
  return { immediate, buffered };
}

function prettyStream() {
  return pretty({
    colorize: true,
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    // Request lines on one line: the fields a person scans for; JSON keeps them all.
    ignore: 'pid,hostname,service,role,context,req,res,responseTime,flow,screen,action,outcome,flowKey,signedWith,tenant,reqId',
    messageFormat: (log, messageKey) => {
      const message = String(log[messageKey] ?? '');
      const req = log.req as { method?: string; path?: string } | undefined;
      if (!req) return log.context ? `${String(log.context)}: ${message}` : message;
      const res = log.res as { statusCode?: number } | undefined;
      const flow = log.flow ? ` · ${[log.flow, log.action, log.screen].filter(Boolean).join(' ')} → ${String(log.outcome)}` : '';
      return `${req.method} ${req.path} ${res?.statusCode} ${String(log.responseTime)} ms${flow}`;
    },
  });
}
