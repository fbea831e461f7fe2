import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';
import { redactEmails } from './redact-emails.js';
import { redactTokens } from './redact-tokens.js';
import { currentRequestId } from './request-context.js';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's start-up chatter ("X dependencies initialized", one "Mapped" line per route): kept at debug
 * level, so the boot log says what a person needs (database, keys, flows, the address) and no more.
 */
const CHATTY_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

const looksLikeStack = (value: unknown) => typeof value === 'string' && /\n\s+at /.test(value);

/**
 * Every message passes this last mask: an e-mail address or an access token quoted in an error
 * (a provider's, a library's) never reaches the log. Phone numbers and user ids are masked where
 * provider text is read, since a log line holds ids of the same shape.
 */
const masked = (text: string) => redactEmails(redactTokens(text));

function maskedError(error: Error): Error {
  const message = masked(error.message);
  const stack = error.stack === undefined ? undefined : masked(error.stack);
  if (message === error.message && stack === error.stack) return error;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(error) as object) as Error, error, { message });
  Object.defineProperty(copy, 'stack', { value: stack, enumerable: false, writable: true, configurable: true });
  return copy;
}

/**
 * Nest's logger interface over the process's pino logger. Each line carries its class (`context`)
 * and, when written while a request is served, that request's id (`reqId`).
 */
export class AppLogger implements LoggerService {
  constructor(
    private readonly root: Logger,
    /** The logger of the request completion lines (see `createLoggers`). */
    readonly requests: Logger = root,
  ) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(wanted: Level, message: unknown, params: unknown[]): void {
    // Nest passes the context last: (message, context) or, for errors, (message, stack, context).
    const context =
      params.length > 0 && typeof params[params.length - 1] === 'string' && !looksLikeStack(params[params.length - 1])
        ? (params[params.length - 1] as string)
        : undefined;
    const level = wanted === 'info' && context && CHATTY_CONTEXTS.has(context) ? 'debug' : wanted;
    if (!this.root.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    const reqId = currentRequestId();
    if (reqId) fields.reqId = reqId;
    const stack = params.find(looksLikeStack);
    if (message instanceof Error) {
      const error = maskedError(message);
      fields.err = error;
      this.root[level](fields, error.message);
    } else if (typeof message === 'object' && message !== null) {
      this.root[level]({ ...fields, ...(message as object) });
    } else {
      if (stack) fields.stack = masked(stack as string);
      this.root[level](fields, masked(String(message)));
    }
  }
}
