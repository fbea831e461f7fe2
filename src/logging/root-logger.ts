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

/** The settings both loggers share (the request lines' logger has no others: see `writeInfoLine`). */
export function loggerSettings(options: LoggerOptions): { level: string; base: Record<string, unknown> } {
  return {
    level: options.level,
    base: { pid: process.pid, hostname: hostname(), service: 'flowgate', ...(options.role ? { role: options.role } : {}) },
  };
}

/**
 * The process's pino loggers, writing to one stdout stream: JSON lines by default; readable,
 * coloured lines for a person at a terminal (`pretty`, written synchronously so a crash never loses
 * the line that explains it). `requests` writes the request completion lines: they are built field by
 * field from values that are never secret (ids, labels, fingerprints), so they skip the redaction
 * pass, a selective clone of every line that would cost each request and find nothing.
 */
export function createLoggers(options: LoggerOptions): { root: Logger; requests: Logger } {
  const settings = loggerSettings(options);
  const redact = { paths: REDACTED_PATHS, censor: '[redacted]' };
  if (options.format === 'pretty') {
    const root = pino({ ...settings, redact }, prettyStream());
    return { root, requests: pino(settings, (root as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym]) };
  }
  const { immediate, buffered } = jsonStreams();
  return { root: pino({ ...settings, redact }, immediate), requests: pino(settings, buffered) };
}

/**
 * Writes an info line exactly as `logger.info(fields, message)` would, serialised by one
 * `JSON.stringify`: pino serialises field by field (nested objects through a safe stringifier), which
 * cost a request's completion line about five times as much for the same bytes. Only for fields built
 * from plain values (strings, numbers, plain objects) that never need redaction, as the completion
 * line's are; the line goes to the logger's own stream, so it keeps its place among the others and its
 * format (pretty reads the same JSON). The caller checks the level.
 */
export function writeInfoLine(logger: Logger, fields: Record<string, unknown>, message: string): void {
  const internals = logger as unknown as Record<symbol, unknown>;
  const stream = internals[pino.symbols.streamSym] as DestinationStream;
  const bindings = internals[pino.symbols.chindingsSym] as string;
  const body = JSON.stringify(fields);
  const comma = body.length > 2 ? ',' : '';
  stream.write(`{"level":30,"time":${Date.now()}${bindings}${comma}${body.slice(1, -1)},"msg":${JSON.stringify(message)}}\n`);
}

/**
 * Request completion lines gather in memory and go to stdout when 4 KiB have gathered or 250 ms
 * have passed: a write(2) per line was the largest single cost of a request after its RSA unwrap.
 * Every other line (start-up, warnings, errors) goes out at once, after the completion lines before
 * it, through the same stream (so lines never interleave). Writes are asynchronous: a log reader
 * that falls behind never stalls requests (a synchronous write to a full, non-blocking pipe sleeps the
 * event loop). At exit, a crash included, what has gathered is written synchronously; only a SIGKILL
 * can lose the last quarter second of completion lines.
 */
export const LOG_BUFFER = { minLength: 4096, periodicFlushMs: 250 } as const;

/**
 * Lines kept as a list and joined once per batch. (sonic-boom's own buffering appends each line to
 * the text gathered so far and measures its byte length on every write, which flattens it: a request
 * paid for the whole batch before it.)
 */
export class LineBatch implements DestinationStream {
  private lines: string[] = [];
  private length = 0;

  constructor(
    private readonly out: DestinationStream,
    private readonly minLength: number = LOG_BUFFER.minLength,
  ) {}

  write(line: string): void {
    this.lines.push(line);
    this.length += line.length;
    if (this.length >= this.minLength) this.flush();
  }

  /** Hands what has gathered to the stream. */
  flush(): void {
    if (this.lines.length === 0) return;
    const text = this.lines.length === 1 ? this.lines[0] : this.lines.join('');
    this.lines = [];
    this.length = 0;
    this.out.write(text);
  }
}

// The batches of this process, written out when it exits (one listener, however many loggers it made).
const atExit = new Set<() => void>();
function flushAtExit(flush: () => void): void {
  if (atExit.size === 0) process.once('exit', () => atExit.forEach((each) => each()));
  atExit.add(flush);
}

function jsonStreams(): { immediate: DestinationStream; buffered: DestinationStream } {
  // sonic-boom holds what it is given until 4 KiB have come or it is flushed: batches go out as they
  // fill, a line written at once flushes everything before it.
  const out = pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER.minLength });
  const gathered = new LineBatch(out);
  // Every tick, also when nothing new gathered: what sonic-boom was handed while a write was under way
  // waits in it below 4 KiB once that write ends.
  setInterval(() => {
    gathered.flush();
    out.flush();
  }, LOG_BUFFER.periodicFlushMs).unref();
  // Whichever runs first, this or pino's own exit handler: both leave nothing held. (A batch being
  // written when the process dies may still land after what is written here.)
  flushAtExit(() => {
    gathered.flush();
    try {
      out.flushSync();
    } catch {
      // stdout is gone: nothing can be written any more
    }
  });
  const immediate = {
    write(line: string) {
      gathered.flush();
      out.write(line);
      // No callback: each one would add 'drain' and 'error' listeners until the write under way ends,
      // and a burst of start-up lines (one more per flow module) passed Node's limit of 10 with a warning.
      out.flush();
    },
  };
  return { immediate, buffered: gathered };
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
