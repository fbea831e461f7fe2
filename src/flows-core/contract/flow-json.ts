import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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

/** Keys the client treats specially: never declared by a screen, always allowed. */
const RESERVED_KEYS = new Set(['error_message']);

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

function checkValue(schema: DataSchema, value: unknown, path: string, errors: string[]): void {
  const actual = typeOf(value);
  const expected = schema.type === 'integer' ? 'number' : schema.type;
  if (actual !== expected || (schema.type === 'integer' && !Number.isInteger(value))) {
    errors.push(`${path}: expected ${schema.type}, got ${actual}`);
    return;
  }
  if (schema.type === 'array' && schema.items) {
    (value as unknown[]).forEach((item, index) => checkValue(schema.items!, item, `${path}[${index}]`, errors));
  }
  if (schema.type === 'object' && schema.properties) {
    const object = value as Record<string, unknown>;
    for (const [key, property] of Object.entries(schema.properties)) {
      if (key in object) checkValue(property, object[key], `${path}.${key}`, errors);
      else if (schema.required?.includes(key)) errors.push(`${path}.${key}: required`);
    }
  }
}

/**
 * Checks a response's `data` against the target screen's declared data: every declared key is
 * present with its type (arrays item by item, objects property by property), nothing undeclared.
 * Returns readable errors such as `data.items[2].price: expected string, got number`.
 */
export function screenDataErrors(flowJson: FlowJson, screenId: string, data: Record<string, unknown>): string[] {
  const screen = flowJson.screens.find((candidate) => candidate.id === screenId);
  if (!screen) return [`screen: "${screenId}" is not a screen of this flow`];
  const errors: string[] = [];
  const declared = screen.data ?? {};
  for (const [key, schema] of Object.entries(declared)) {
    if (!(key in data)) errors.push(`data.${key}: required by screen ${screenId}`);
    else checkValue(schema, data[key], `data.${key}`, errors);
  }
  for (const key of Object.keys(data)) {
    if (!(key in declared) && !RESERVED_KEYS.has(key)) errors.push(`data.${key}: not declared by screen ${screenId}`);
  }
  return errors;
}
