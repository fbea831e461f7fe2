// The preview server's JSON API (same origin), and the shapes it answers with: the page never sees
// a key or the whole token.
import type { Values } from './expressions.js';
import type { FlowJson } from './flow-json-types.js';

/** Something the page shows in red: what happened and what to do about it. */
export interface Problem {
  title: string;
  fix: string;
}

/**
 * What a reply is, as the inspector shows it: a screen or a completion that matches the Flow JSON,
 * one that breaks it, an error message shown on the phone instead, or no usable reply at all.
 */
export type Verdict = 'matches' | 'violates' | 'error_message' | 'no_reply';

/** What the preview server answers for one request to the endpoint. */
export interface Exchange {
  request: Values;
  status: number;
  reply: { screen?: string; data?: Values; error_msg?: string } | null;
  text?: string;
  durationMs: number;
  violations: string[];
  verdict: Verdict;
  /** The reply's `data.error_message`: the phone shows it in a snackbar. */
  errorMessage?: string;
  problem?: Problem;
}

/** How WhatsApp opens this flow, read from its Flow JSON (see src/tools/preview/flow-start.ts). */
export interface FlowStart {
  /** INIT: a request to the endpoint; navigate: the entry screen opens without one. */
  action: 'INIT' | 'navigate';
  screen: string;
  /** Why, in one sentence. */
  reason: string;
}

export interface FlowInfo {
  flow: string;
  endpoint: string;
  file: string;
  version: number;
  flowJson?: FlowJson;
  /** The screen no route leads to. */
  entry?: string;
  start?: FlowStart;
  error?: string;
  token: { fixed: boolean; hint: string };
}

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
