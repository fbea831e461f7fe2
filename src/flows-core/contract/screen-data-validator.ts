import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FlowJson } from '../../flow-json/index.js';

/** Keys the client treats specially: never declared by a screen, always allowed. */
const RESERVED_KEYS = ['error_message'];

// One instance for replies: Flow JSON keywords such as __example__ are ignored, formats not enforced
// (the client does not check them), and every error is reported, not just the first.
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });

/** The schema of a screen's whole `data`: every declared key required, nothing undeclared. */
function screenSchema(declared: Record<string, unknown>): object {
  return {
    type: 'object',
    required: Object.keys(declared),
    properties: { ...declared, ...Object.fromEntries(RESERVED_KEYS.map((key) => [key, {}])) },
    additionalProperties: false,
  };
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

/** `/items/2/price` → `data.items[2].price`. */
function path(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .reduce(
      (name, segment) => (/^\d+$/.test(segment) ? `${name}[${segment}]` : `${name}.${segment.replace(/~1/g, '/').replace(/~0/g, '~')}`),
      'data',
    );
}

function message(error: ErrorObject, screenId: string, data: Record<string, unknown>): string {
  const at = path(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return error.instancePath === ''
        ? `data.${params.missingProperty}: required by screen ${screenId}`
        : `${at}.${params.missingProperty}: required`;
    case 'additionalProperties':
      return `data.${params.additionalProperty}: not declared by screen ${screenId}`;
    case 'type':
      return `${at}: expected ${params.type}, got ${typeOf(valueAt(data, error.instancePath))}`;
    default:
      return `${at}: ${error.message}`;
  }
}

function valueAt(data: unknown, instancePath: string): unknown {
  return instancePath
    .split('/')
    .slice(1)
    .reduce<unknown>((value, segment) => (value as Record<string, unknown> | undefined)?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')], data);
}

/**
 * The screens' `data` declarations of one Flow JSON compiled by ajv, once: `errors(screen, data)`
 * is on the path of every reply.
 */
export class ScreenDataValidator {
  private readonly validators = new Map<string, { validate: ValidateFunction; order: Map<string, number> }>();

  constructor(screens: ReadonlyArray<{ id: string; data?: Record<string, unknown> }>) {
    for (const screen of screens) {
      const declared = screen.data ?? {};
      const schema = screenSchema(declared);
      const validate = ajv.compile(schema);
      ajv.removeSchema(schema); // the validator stays usable; ajv's cache would otherwise hold every Flow JSON it saw
      this.validators.set(screen.id, {
        validate,
        order: new Map(Object.keys(declared).map((key, index) => [key, index])),
      });
    }
  }

  /** Readable errors such as `data.items[2].price: expected string, got number`; empty when valid. */
  errors(screenId: string, data: Record<string, unknown>): string[] {
    const screen = this.validators.get(screenId);
    if (!screen) return [`screen: "${screenId}" is not a screen of this flow`];
    if (screen.validate(data)) return [];
    // In declaration order, key by key, undeclared keys last (as a person reads the Flow JSON).
    const rank = (error: ErrorObject) => {
      const key = error.instancePath.split('/')[1] ?? String((error.params as Record<string, unknown>).missingProperty ?? '');
      return screen.order.get(key.replace(/~1/g, '/').replace(/~0/g, '~')) ?? screen.order.size;
    };
    return (screen.validate.errors ?? [])
      .map((error, index) => ({ error, index, rank: rank(error) }))
      .sort((a, b) => a.rank - b.rank || a.index - b.index)
      .map(({ error }) => message(error, screenId, data));
  }
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
