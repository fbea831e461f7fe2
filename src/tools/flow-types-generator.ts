import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative } from 'node:path';
import {
  componentActions,
  formatFlowJsonProblem,
  inputValueType,
  isObject,
  screenComponents,
  screenInputs,
  type JsonObject,
} from '../flow-json/index.js';
import { checkFlowJsonFile } from '../flow-json/files.js';

/** One payload or data key: its TypeScript type, the JSON type class-validator must check, and whether it can be absent. */
export interface FieldModel {
  ts: string;
  kind: 'string' | 'number' | 'boolean' | 'array' | 'object' | 'unknown';
  optional: boolean;
}

export interface FlowTypesModel {
  /** Screen id → declared data keys. */
  screens: Record<string, Record<string, FieldModel>>;
  /** Screen id → one entry per data_exchange action of the screen (what it sends). */
  payloads: Record<string, Array<Record<string, FieldModel>>>;
  /** One entry per complete action. */
  completions: Array<Record<string, FieldModel>>;
}

const kindOf = (type: unknown): FieldModel['kind'] =>
  type === 'integer' || type === 'number'
    ? 'number'
    : type === 'string' || type === 'boolean' || type === 'array' || type === 'object'
      ? type
      : 'unknown';

const key = (name: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name));

/** The TypeScript type of a data declaration (JSON Schema subset of Flow JSON). */
export function declarationType(declaration: unknown, indent = ''): string {
  if (!isObject(declaration)) return 'unknown';
  switch (declaration.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return `Array<${declarationType(declaration.items, indent)}>`;
    case 'object': {
      if (!isObject(declaration.properties)) return 'Record<string, unknown>';
      const required = new Set(Array.isArray(declaration.required) ? declaration.required : []);
      const inner = `${indent}  `;
      const lines = Object.entries(declaration.properties).map(
        ([name, property]) => `${inner}${key(name)}${required.has(name) ? '' : '?'}: ${declarationType(property, inner)};`,
      );
      return lines.length ? `{\n${lines.join('\n')}\n${indent}}` : 'Record<string, never>';
    }
    default:
      return 'unknown';
  }
}

const WHOLE = /^\$\{([^}]*)\}$/;

/** The model of a Flow JSON the generated file and the DTO agreement test are built from. */
export function flowTypesModel(flow: JsonObject): FlowTypesModel {
  const screens = (Array.isArray(flow.screens) ? flow.screens : []).filter(isObject);
  const byId = new Map(screens.map((screen, index) => [String(screen.id), { screen, index }]));
  const declared = (screen: JsonObject) => (isObject(screen.data) ? screen.data : {});
  const model: FlowTypesModel = { screens: {}, payloads: {}, completions: [] };

  const fieldOf = (value: unknown, screen: JsonObject, index: number): FieldModel => {
    if (typeof value === 'string') {
      const whole = WHOLE.exec(value);
      if (!whole) return { ts: 'string', kind: 'string', optional: false };
      const [scope, first, second, third] = whole[1].trim().split('.');
      let target = { screen, index };
      let source = scope;
      let name = first;
      if (scope === 'screen') {
        const other = byId.get(first);
        if (!other) return { ts: 'unknown', kind: 'unknown', optional: true };
        target = other;
        source = second;
        name = third;
      }
      if (source === 'form') {
        const input = screenInputs(target.screen, target.index).get(name);
        if (!input) return { ts: 'unknown', kind: 'unknown', optional: true };
        const type = inputValueType(input.component)!;
        return {
          ts: type,
          kind: type.endsWith('[]') ? 'array' : type.startsWith('{') ? 'object' : (type as FieldModel['kind']),
          optional: input.component.required !== true,
        };
      }
      if (source === 'data') {
        const declaration = declared(target.screen)[name];
        return { ts: declarationType(declaration, '  '), kind: kindOf(isObject(declaration) ? declaration.type : undefined), optional: false };
      }
      return { ts: 'unknown', kind: 'unknown', optional: true };
    }
    if (typeof value === 'number') return { ts: 'number', kind: 'number', optional: false };
    if (typeof value === 'boolean') return { ts: 'boolean', kind: 'boolean', optional: false };
    if (Array.isArray(value)) return { ts: 'unknown[]', kind: 'array', optional: false };
    if (isObject(value)) {
      const fields = Object.entries(value).map(([name, inner]) => [name, fieldOf(inner, screen, index)] as const);
      return {
        ts: `{ ${fields.map(([name, field]) => `${key(name)}${field.optional ? '?' : ''}: ${field.ts}`).join('; ')} }`,
        kind: 'object',
        optional: false,
      };
    }
    return { ts: 'null', kind: 'unknown', optional: false };
  };

  screens.forEach((screen, index) => {
    const id = String(screen.id);
    model.screens[id] = Object.fromEntries(
      Object.entries(declared(screen)).map(([name, declaration]) => [
        name,
        { ts: declarationType(declaration, '    '), kind: kindOf(isObject(declaration) ? declaration.type : undefined), optional: false },
      ]),
    );
    model.payloads[id] = [];
    for (const { component, pointer } of screenComponents(screen, index)) {
      for (const { action } of componentActions(component, pointer)) {
        if (action.name !== 'data_exchange' && action.name !== 'complete') continue;
        const payload = isObject(action.payload) ? action.payload : {};
        const fields = Object.fromEntries(Object.entries(payload).map(([name, value]) => [name, fieldOf(value, screen, index)]));
        (action.name === 'complete' ? model.completions : model.payloads[id]).push(fields);
      }
    }
  });
  return model;
}

const objectType = (fields: Record<string, FieldModel>, indent: string) => {
  const entries = Object.entries(fields);
  if (entries.length === 0) return 'Record<string, never>';
  return `{\n${entries.map(([name, field]) => `${indent}  ${key(name)}${field.optional ? '?' : ''}: ${field.ts};`).join('\n')}\n${indent}}`;
};

/** Distinct shapes only: two actions sending the same keys and types make one member. */
const union = (shapes: Array<Record<string, FieldModel>>, indent: string) => {
  const members = [...new Set(shapes.map((shape) => objectType(shape, indent)))];
  return members.length ? members.join(' | ') : 'never';
};

/** `inventory.flow.json` → `Inventory`; `my-shop.flow.json` → `MyShop`. */
export function typesPrefix(file: string): string {
  return basename(file)
    .replace(/\.flow\.json$|\.json$/, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/** The import path of the Flow JSON room from the directory of `file` (the generated file may import FlowMediaFile). */
export function flowJsonImportFrom(file: string, root = process.cwd()): string {
  const path = relative(dirname(file), `${root}/src/flow-json/index.js`).split('\\').join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

/** `inventory.flow.json` → `inventory.flow-types.ts`. */
export const typesFileFor = (file: string) => file.replace(/\.flow\.json$/, '.flow-types.ts');

/**
 * The TypeScript file for a Flow JSON: per screen the data it declares, the payload of its
 * data_exchange actions, and the completion params of its complete actions.
 */
export function generateFlowTypes(file: string, flow: JsonObject, flowJsonImport: string): string {
  const model = flowTypesModel(flow);
  const prefix = typesPrefix(file);
  const usesMedia = JSON.stringify(model).includes('FlowMediaFile');
  const screenEntries = Object.entries(model.screens)
    .map(([id, fields]) => `  ${key(id)}: ${objectType(fields, '  ')};`)
    .join('\n');
  const payloadEntries = Object.entries(model.payloads)
    .map(([id, shapes]) => `  ${key(id)}: ${union(shapes, '  ')};`)
    .join('\n');
  const completion = model.completions.length
    ? `/** What the flow's complete actions send. */\nexport type ${prefix}Completion = ${union(model.completions, '')};`
    : `/** The endpoint completes this flow (no complete action): type its params with typedFlow<${prefix}FlowTypes, Params>(). */\nexport type ${prefix}Completion = Record<string, unknown>;`;
  return `// Generated by \`npm run flow:types\` from ${basename(file)}. Do not edit: change the Flow JSON and run \`npm run flow:types\`.
${usesMedia ? `import type { FlowMediaFile } from '${flowJsonImport}';\n` : ''}
/** The data each screen declares: what \`navigate\` to it must send, key for key. */
export interface ${prefix}Screens {
${screenEntries}
}

/** What each screen's data_exchange actions send: the payload its handler receives. */
export interface ${prefix}Payloads {
${payloadEntries}
}

${completion}

export interface ${prefix}FlowTypes {
  screens: ${prefix}Screens;
  payloads: ${prefix}Payloads;
  completion: ${prefix}Completion;
}
`;
}

export interface TypesResult {
  file: string;
  types: string;
  status: 'written' | 'fresh' | 'stale' | 'invalid';
  problems?: string[];
}

/** Generates (or, with `check`, compares) the types file of one Flow JSON. */
export function flowTypesFor(file: string, check: boolean, root = process.cwd()): TypesResult {
  const types = typesFileFor(file);
  const { problems } = checkFlowJsonFile(file);
  if (problems.length) return { file, types, status: 'invalid', problems: problems.map((problem) => formatFlowJsonProblem(file, problem)) };
  const source = generateFlowTypes(file, JSON.parse(readFileSync(file, 'utf8')), flowJsonImportFrom(file, root));
  const current = existsSync(types) ? readFileSync(types, 'utf8') : undefined;
  if (current === source) return { file, types, status: 'fresh' };
  if (check) return { file, types, status: 'stale' };
  writeFileSync(types, source);
  return { file, types, status: 'written' };
}
