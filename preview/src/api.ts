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

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Hands a picked file to the preview server, which encrypts it like the phone and serves it from its CDN. */
export async function uploadMedia(file: File): Promise<Values> {
  const content = new Uint8Array(await file.arrayBuffer());
  return post<Values>('/api/media', { file_name: file.name, mime_type: file.type, content_base64: base64(content) });
}
