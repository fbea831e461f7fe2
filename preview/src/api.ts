// The preview server's JSON API (same origin): the page never sees a key or the whole token.
import type { Exchange, FlowInfo, Problem } from './types.js';
import type { Values } from './expressions.js';

async function post<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`The preview server answered ${response.status} to ${path}: ${await response.text()}`);
  return (await response.json()) as T;
}

export async function loadFlow(): Promise<FlowInfo> {
  const response = await fetch('/api/flow');
  if (!response.ok) throw new Error(`The preview server answered ${response.status} to /api/flow`);
  return (await response.json()) as FlowInfo;
}

export const exchange = (action: string, screen?: string, data?: Values) => post<Exchange>('/api/exchange', { action, screen, data });
export const complete = (payload: Values) => post<{ status: number; problem?: Problem }>('/api/complete', { payload });
export const restart = () => post<FlowInfo>('/api/restart', {});

/** Calls `onChange` whenever the Flow JSON file changes. */
export function watchFlow(onChange: () => void): () => void {
  const events = new EventSource('/api/events');
  events.addEventListener('flow-changed', onChange);
  return () => events.close();
}
