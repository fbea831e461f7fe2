import pg from 'pg';
import { KIND, openChildSpan } from './spans.js';

const PATCHED = Symbol.for('flowgate.tracing.pg');
const MAX_QUERY_TEXT = 1_000;
/** Statements kept sanitized (at most this many, each at most MAX_CACHED_TEXT long: memory stays bounded). */
const MAX_SANITIZED = 500;
const MAX_CACHED_TEXT = 4_096;
const SANITIZED = new Map<string, string>();

type Query = (...args: unknown[]) => unknown;
type Callback = (error: unknown, result?: unknown) => void;

/** SELECT, INSERT, BEGIN…: the statement's first keyword (after comments and parentheses). */
function operationOf(text: string | undefined): string {
  const match = text && /^(?:\s|\(|--[^\n]*\n|\/\*[\s\S]*?\*\/)*([a-zA-Z]+)/.exec(text);
  return match ? match[1].toUpperCase() : 'QUERY';
}

/**
 * The statement with its literals replaced by `?`. Values travel as parameters ($1…) and are never
 * recorded; a literal written into a statement is masked too, in case one ever carries a person's data.
 */
export function sanitizedQuery(text: string): string {
  if (text.length > MAX_CACHED_TEXT) return mask(text);
  let sanitized = SANITIZED.get(text);
  if (sanitized === undefined) {
    // A statement is sanitized once: the application's statements are a short list.
    if (SANITIZED.size >= MAX_SANITIZED) SANITIZED.delete(SANITIZED.keys().next().value!);
    SANITIZED.set(text, (sanitized = mask(text)));
  }
  return sanitized;
}

function mask(text: string): string {
  const masked = text
    .replace(/\$(\w*)\$[\s\S]*?\$\1\$/g, '?')
    .replace(/[eE]?'(?:[^']|'')*'/g, '?')
    .replace(/(?<![\w$."])\d+(?:\.\d+)?\b/g, '?');
  return masked.length > MAX_QUERY_TEXT ? `${masked.slice(0, MAX_QUERY_TEXT)}…` : masked;
}

/**
 * Client spans for every Postgres query made under a span (TypeORM, the session statements on the
 * pool, the queue's backend): `pg.Client#query` is wrapped once, as the pg instrumentation does,
 * but in a few lines that record the statement text without its values (never its parameters),
 * the database and the server. Called only when tracing is on.
 */
export function tracePostgres(): void {
  const prototype = pg.Client.prototype as unknown as { query: Query; [PATCHED]?: true };
  if (prototype[PATCHED]) return;
  prototype[PATCHED] = true;
  const original = prototype.query;
  prototype.query = function query(this: pg.Client, ...args: unknown[]) {
    const [config] = args;
    // Cursors and streams (submittables) run on their own schedule: left as they are.
    const submittable = typeof config === 'object' && config !== null && typeof (config as { submit?: unknown }).submit === 'function';
    if (submittable || (typeof config !== 'string' && (typeof config !== 'object' || config === null))) return original.apply(this, args);
    const text = typeof config === 'string' ? config : (config as { text?: string }).text;
    const statement = typeof config === 'object' ? (config as { name?: string }).name : undefined;
    const operation = operationOf(text);
    const span = openChildSpan(statement ? `${operation} ${statement}` : operation, {
      kind: KIND.client,
      attributes: {
        'db.system.name': 'postgresql',
        'db.operation.name': operation,
        'db.namespace': this.database,
        'server.address': this.host,
        'server.port': this.port,
        ...(text ? { 'db.query.text': sanitizedQuery(text) } : {}),
        ...(statement ? { 'db.query.summary': statement } : {}),
      },
    });
    if (!span) return original.apply(this, args);
    const at = args.findIndex((arg, index) => index > 0 && typeof arg === 'function');
    if (at > 0) {
      const callback = args[at] as Callback;
      args[at] = function ended(this: unknown, error: unknown, result?: unknown) {
        span.end(error);
        return callback.call(this, error, result);
      };
      return original.apply(this, args);
    }
    try {
      const result = original.apply(this, args);
      const pending = result as PromiseLike<unknown> | undefined;
      if (typeof pending?.then === 'function')
        pending.then(
          () => span.end(),
          (error: unknown) => span.end(error),
        );
      else span.end();
      return result;
    } catch (error) {
      span.end(error);
      throw error;
    }
  };
}
