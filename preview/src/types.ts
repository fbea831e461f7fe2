import type { Values } from './expressions.js';

export interface FlowAction {
  name: 'navigate' | 'data_exchange' | 'update_data' | 'open_url' | 'complete' | string;
  next?: { type?: string; name: string };
  payload?: Values;
  url?: string;
}

/** One Flow JSON component; the properties are those of its type. */
export interface Component {
  type: string;
  [property: string]: unknown;
}

export interface Screen {
  id: string;
  title?: string;
  terminal?: boolean;
  success?: boolean;
  refresh_on_back?: boolean;
  data?: Record<string, { type?: string; __example__?: unknown }>;
  layout?: { type?: string; children?: Component[] };
}

export interface FlowJson {
  version: string;
  data_api_version?: string;
  routing_model?: Record<string, string[]>;
  screens: Screen[];
}

export interface Problem {
  title: string;
  fix: string;
}

/** What the preview server answers for one request to the endpoint. */
export interface Exchange {
  request: Values;
  status: number;
  reply: { screen?: string; data?: Values; error_msg?: string } | null;
  text?: string;
  durationMs: number;
  violations: string[];
  problem?: Problem;
}

export interface FlowInfo {
  flow: string;
  endpoint: string;
  file: string;
  version: number;
  flowJson?: FlowJson;
  /** The screen no route leads to. */
  entry?: string;
  error?: string;
  token: { fixed: boolean; hint: string };
}
