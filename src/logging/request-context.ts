import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The request id: the caller's `x-request-id` when it looks like one, else a new UUID. */
export function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

// Only the id travels with a request: the one thing a log line written during it needs.
const current = new AsyncLocalStorage<string>();

/** Runs the rest of a request with `id` as its request id (see `currentRequestId`). */
export function withRequestId(id: string, next: () => void): void {
  current.run(id, next);
}

/** The id of the request being served, or undefined outside one. */
export const currentRequestId = (): string | undefined => current.getStore();
