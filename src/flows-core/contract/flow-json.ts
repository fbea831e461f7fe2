import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ScreenDataValidator } from './screen-data-validator.js';

/** JSON-Schema-like declaration of one screen data key (Flow JSON `data`). */
export interface DataSchema {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';
  items?: DataSchema;
  properties?: Record<string, DataSchema>;
  required?: string[];
  __example__?: unknown;
}

export interface FlowJsonScreen {
  id: string;
  title?: string;
  terminal?: boolean;
  data?: Record<string, DataSchema>;
  layout?: unknown;
}

export interface FlowJson {
  version: string;
  data_api_version?: string;
  routing_model?: Record<string, string[]>;
  screens: FlowJsonScreen[];
}

export function readFlowJson(file: URL): FlowJson {
  return JSON.parse(readFileSync(fileURLToPath(file), 'utf8')) as FlowJson;
}

const validators = new WeakMap<FlowJson, ScreenDataValidator>();

/**
 * Checks a response's `data` against the target screen's declared data: every declared key is
 * present with its type (arrays item by item, objects property by property), nothing undeclared.
 * Returns readable errors such as `data.items[2].price: expected string, got number`. The
 * declarations are compiled by ajv once per Flow JSON.
 */
export function screenDataErrors(flowJson: FlowJson, screenId: string, data: Record<string, unknown>): string[] {
  let validator = validators.get(flowJson);
  if (!validator) validators.set(flowJson, (validator = new ScreenDataValidator(flowJson.screens)));
  return validator.errors(screenId, data);
}
