import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { COMPONENTS, componentSchema } from './components.js';
import { error as anError, type Found } from './problems.js';

/** Top level of a Flow JSON (screens are checked one by one). */
const flowSchema = {
  type: 'object',
  required: ['version', 'screens'],
  additionalProperties: false,
  properties: {
    version: { type: 'string' },
    data_api_version: { type: 'string' },
    // Before 3.0 only (the checker says so by version): the endpoint URL, which later moved to the Flows API.
    data_channel_uri: { type: 'string' },
    routing_model: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    screens: { type: 'array', minItems: 1, items: { type: 'object' } },
  },
};

const screenSchema = {
  type: 'object',
  required: ['id', 'layout'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    terminal: { type: 'boolean' },
    success: { type: 'boolean' },
    refresh_on_back: { type: 'boolean' },
    sensitive: { type: 'array', items: { type: 'string' } },
    data: { type: 'object', additionalProperties: { type: 'object' } },
    layout: {
      type: 'object',
      required: ['type', 'children'],
      additionalProperties: false,
      properties: { type: { enum: ['SingleColumnLayout'] }, children: { type: 'array' } },
    },
  },
};

export const DATA_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array'];

/** One key of a screen's `data`: a JSON Schema with a type (arrays with items), recursively. */
const declarationSchema = {
  $id: 'flowgate:data-declaration',
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: DATA_TYPES },
    // Meta: `items` is a schema object or a boolean.
    items: { if: { type: 'boolean' }, then: {}, else: { $ref: '#' } },
    properties: { type: 'object', additionalProperties: { $ref: '#' } },
    required: { type: 'array', items: { type: 'string' } },
  },
  if: { properties: { type: { const: 'array' } } },
  then: { required: ['items'] },
};

export interface SchemaErrors {
  /** Errors with `instancePath` relative to the validated value. */
  errors: ErrorObject[];
}

/**
 * One ajv instance for the checker: `x-expect` is an annotation naming what a dynamic property
 * accepts, used in messages; unknown keywords in data declarations (`__example__`, `description`…)
 * are Flow JSON's own and ignored.
 */
export const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
ajv.addKeyword({ keyword: 'x-expect', schemaType: 'string' });

const compiled = new Map<string, ValidateFunction>();
const compile = (key: string, schema: object) => {
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
};

export const validateFlowTop = (value: unknown) => run(compile('flow', flowSchema), value);
export const validateScreen = (value: unknown) => run(compile('screen', screenSchema), value);
export const validateDeclaration = (value: unknown) => run(compile('declaration', declarationSchema), value);
export const validateComponent = (type: string, value: unknown) =>
  COMPONENTS[type] ? run(compile(`component:${type}`, componentSchema(type)), value) : [];

function run(validate: ValidateFunction, value: unknown): ErrorObject[] {
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/** `/data-source/3/title` → `data-source[3].title`. */
export function relativeName(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((name, segment) => (/^\d+$/.test(segment) ? `${name}[${segment}]` : name ? `${name}.${segment}` : segment), '');
}

const expectation = (error: ErrorObject) => (error.parentSchema as Record<string, unknown> | undefined)?.['x-expect'] as string | undefined;

const COMPARISONS: Record<string, string> = { '<=': 'at most', '>=': 'at least', '>': 'more than', '<': 'less than' };

const article = (type: string) => (type === 'integer' || type === 'object' || type === 'array' ? `an ${type}` : `a ${type}`);

/**
 * ajv's errors as sentences that say what to fix, with the pointer they point at (relative to the
 * validated value). `subject` names what was validated ("Footer", "screen", "the Flow JSON").
 */
export function describeErrors(errors: ErrorObject[], subject: string): Found[] {
  const described: Array<{ pointer: string; message: string }> = [];
  for (const error of errors) {
    const name = relativeName(error.instancePath);
    const what = name ? `\`${name}\`` : subject;
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'if':
        continue;
      case 'required': {
        const missing = String(params.missingProperty);
        described.push({ pointer: `${error.instancePath}/${missing}`, message: `\`${name ? `${name}.` : ''}${missing}\` is required on ${subject}` });
        continue;
      }
      case 'additionalProperties': {
        const extra = String(params.additionalProperty);
        const allowed = Object.keys((error.parentSchema as { properties?: object })?.properties ?? {}).join(', ');
        described.push({
          pointer: `${error.instancePath}/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`,
          message: `\`${name ? `${name}.` : ''}${extra}\` is not a property of ${name ? `\`${name}\` in ` : ''}${subject}; allowed: ${allowed}`,
        });
        continue;
      }
      case 'type':
      case 'enum':
        if (expectation(error)) {
          described.push({ pointer: error.instancePath, message: `${what} must be ${expectation(error)} (got ${JSON.stringify(error.data)})` });
          continue;
        }
        if (error.keyword === 'enum') {
          described.push({
            pointer: error.instancePath,
            message: `${what} must be one of ${(params.allowedValues as unknown[]).join(', ')} (got ${JSON.stringify(error.data)})`,
          });
          continue;
        }
        described.push({ pointer: error.instancePath, message: `${what} must be ${article(String(params.type))}, got ${jsonType(error.data)}` });
        continue;
      case 'maxLength':
        described.push({
          pointer: error.instancePath,
          message: `${what} is ${String(error.data).length} characters; ${subject} allows at most ${params.limit}: shorten it`,
        });
        continue;
      case 'minLength':
        described.push({ pointer: error.instancePath, message: `${what} must not be empty` });
        continue;
      case 'minItems':
      case 'maxItems':
        described.push({
          pointer: error.instancePath,
          message: `${what} has ${(error.data as unknown[]).length} items; ${subject} allows ${error.keyword === 'minItems' ? 'at least' : 'at most'} ${params.limit}`,
        });
        continue;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
        described.push({
          pointer: error.instancePath,
          message: `${what} must be ${COMPARISONS[String(params.comparison)] ?? params.comparison} ${params.limit} (got ${JSON.stringify(error.data)})`,
        });
        continue;
      case 'pattern':
        described.push({
          pointer: error.instancePath,
          message: params.pattern === '\\S' ? `${what} must not be blank` : `${what} must match ${params.pattern}`,
        });
        continue;
      case 'minProperties':
        described.push({ pointer: error.instancePath, message: `${what} must not be empty` });
        continue;
      default:
        described.push({ pointer: error.instancePath, message: `${what} ${error.message ?? 'is invalid'}` });
    }
  }
  return described.map(({ pointer, message }) => anError(pointer, message));
}

export function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number' && Number.isInteger(value)) return 'number';
  return typeof value;
}
