import type { DataSchema, FlowJson } from './flow-json.js';

const SCREEN_ID = /^[A-Za-z_]+$/;
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array']);

function schemaProblems(schema: DataSchema | undefined, path: string, problems: string[], topLevel: boolean): void {
  if (!schema || typeof schema !== 'object') {
    problems.push(`${path}: must be an object with a type`);
    return;
  }
  if (!TYPES.has(schema.type)) problems.push(`${path}: type must be one of ${[...TYPES].join(', ')}`);
  if (topLevel && !('__example__' in schema)) problems.push(`${path}: missing __example__`);
  if (schema.type === 'array') {
    if (!schema.items) problems.push(`${path}: an array needs items`);
    else schemaProblems(schema.items, `${path}.items`, problems, false);
  }
  if (schema.type === 'object' && schema.properties) {
    for (const [key, property] of Object.entries(schema.properties)) {
      schemaProblems(property, `${path}.properties.${key}`, problems, false);
    }
  }
}

/**
 * Structural problems of a Flow JSON that would make the flow fail on the phone: screens and ids,
 * routing_model references, data declarations with a type and an `__example__`, the reserved SUCCESS id.
 */
export function flowJsonProblems(json: unknown): string[] {
  const problems: string[] = [];
  if (!json || typeof json !== 'object' || Array.isArray(json)) return ['the file is not a JSON object'];
  const flow = json as Partial<FlowJson>;
  if (typeof flow.version !== 'string') problems.push('version: missing (e.g. "7.3")');
  if (flow.data_api_version !== undefined && !['3.0', '4.0'].includes(flow.data_api_version)) {
    problems.push(`data_api_version: "${flow.data_api_version}" is not 3.0 or 4.0`);
  }
  if (!Array.isArray(flow.screens) || flow.screens.length === 0) return [...problems, 'screens: at least one screen is required'];

  const ids = new Set<string>();
  for (const [index, screen] of flow.screens.entries()) {
    const where = `screens[${index}]${screen?.id ? ` (${screen.id})` : ''}`;
    if (!screen || typeof screen.id !== 'string' || !SCREEN_ID.test(screen.id)) {
      problems.push(`${where}: id must be letters and underscores`);
      continue;
    }
    if (screen.id === 'SUCCESS') problems.push(`${where}: SUCCESS is reserved and cannot be a screen id`);
    if (ids.has(screen.id)) problems.push(`${where}: duplicate screen id`);
    ids.add(screen.id);
    for (const [key, schema] of Object.entries(screen.data ?? {})) {
      schemaProblems(schema, `screen ${screen.id}: data.${key}`, problems, true);
    }
  }

  if (flow.routing_model !== undefined) {
    for (const [from, targets] of Object.entries(flow.routing_model)) {
      if (!ids.has(from)) problems.push(`routing_model: "${from}" is not a screen`);
      if (!Array.isArray(targets)) {
        problems.push(`routing_model.${from}: must be a list of screen ids`);
        continue;
      }
      for (const target of targets) {
        if (!ids.has(target)) problems.push(`routing_model.${from}: "${target}" is not a screen`);
      }
    }
  } else {
    problems.push('routing_model: required for flows with a data endpoint');
  }
  return problems;
}
