import { COMPONENTS, MAX_COMPONENTS_PER_SCREEN, MAX_PER_SCREEN, inputValueType } from './components.js';
import {
  ACTION_SINCE,
  COMPONENT_SINCE,
  DATA_API_VERSIONS,
  FEATURE_SINCE,
  FLOW_JSON_VERSIONS,
  LATEST_FLOW_JSON_VERSION,
  PROPERTY_SINCE,
  atLeast,
} from './flow-json-versions.js';
import { EXPRESSION, componentActions, componentStrings, isObject, screenComponents, type JsonObject } from './flow-json-walk.js';
import { JsonLocator, pointerOf } from './json-locator.js';
import { ajv, describeErrors, validateComponent, validateDeclaration, validateFlowTop, validateScreen } from './schemas.js';

export interface FlowJsonProblem {
  /** JSON pointer of the offending value, e.g. `/screens/1/layout/children/2/label`. */
  pointer: string;
  /** 1-based line and column of the offending key in the file. */
  line: number;
  column: number;
  message: string;
}

type Found = { pointer: string; message: string };

const SCREEN_ID = /^[A-Za-z_]+$/;
const list = (names: Iterable<string>) => [...names].join(', ') || 'none';

/** Checks a Flow JSON text; every problem comes with its pointer and position. Empty when valid. */
export function checkFlowJson(text: string): FlowJsonProblem[] {
  const locator = new JsonLocator(text);
  if (locator.syntaxErrors.length) return locator.syntaxErrors.map((error) => ({ pointer: '', ...error }));
  const found = flowJsonProblems(locator.value);
  return found
    .map((problem) => ({ pointer: problem.pointer, ...locator.locate(problem.pointer), message: problem.message }))
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

/** `file:line:col  message`: the line an editor or CI can jump to. */
export const formatFlowJsonProblem = (file: string, problem: FlowJsonProblem) => `${file}:${problem.line}:${problem.column}  ${problem.message}`;

interface ScreenInfo {
  id: string;
  index: number;
  screen: JsonObject;
  declared: JsonObject;
  inputs: Set<string>;
  footers: Array<{ pointer: string; action?: JsonObject }>;
  navigates: Array<{ target: string; pointer: string }>;
}

/** The problems of a parsed Flow JSON, with pointers (no positions). */
export function flowJsonProblems(json: unknown): Found[] {
  const problems: Found[] = [];
  if (!isObject(json)) return [{ pointer: '', message: 'the file is not a JSON object: a Flow JSON is { "version": …, "screens": [ … ] }' }];
  problems.push(...describeErrors(validateFlowTop(json), 'the Flow JSON'));

  const declaredVersion = typeof json.version === 'string' ? json.version : undefined;
  if (declaredVersion !== undefined && !(FLOW_JSON_VERSIONS as readonly string[]).includes(declaredVersion)) {
    problems.push({ pointer: '/version', message: `"${declaredVersion}" is not a Flow JSON version; use one of ${FLOW_JSON_VERSIONS.join(', ')}` });
  }
  const version = declaredVersion && (FLOW_JSON_VERSIONS as readonly string[]).includes(declaredVersion) ? declaredVersion : LATEST_FLOW_JSON_VERSION;
  const dataApi = typeof json.data_api_version === 'string' ? json.data_api_version : undefined;
  if (dataApi !== undefined && !(DATA_API_VERSIONS as readonly string[]).includes(dataApi)) {
    problems.push({ pointer: '/data_api_version', message: `data_api_version "${dataApi}" is not ${DATA_API_VERSIONS.join(' or ')}` });
  }
  if (!Array.isArray(json.screens)) return problems;
  const routing = isObject(json.routing_model) ? (json.routing_model as Record<string, unknown>) : undefined;
  if (dataApi !== undefined && json.routing_model === undefined) {
    problems.push({
      pointer: '/data_api_version',
      message: 'a flow with a data endpoint (data_api_version) needs a routing_model: list, for each screen, the screens it can go to',
    });
  }

  // Screens: ids, shape, data declarations.
  const screens = new Map<string, ScreenInfo>();
  json.screens.forEach((screen, index) => {
    const at = pointerOf('screens', index);
    if (!isObject(screen)) return;
    problems.push(...describeErrors(validateScreen(screen), `screen ${typeof screen.id === 'string' ? screen.id : index}`).map(prefix(at)));
    if (typeof screen.id !== 'string') return;
    if (!SCREEN_ID.test(screen.id)) problems.push({ pointer: `${at}/id`, message: `screen id "${screen.id}" must be letters and underscores only` });
    if (screen.id === 'SUCCESS') problems.push({ pointer: `${at}/id`, message: 'SUCCESS is reserved (it completes the flow): rename this screen' });
    if (screens.has(screen.id)) {
      problems.push({ pointer: `${at}/id`, message: `screen id "${screen.id}" is used twice (also screens[${screens.get(screen.id)!.index}])` });
      return;
    }
    const declared = isObject(screen.data) ? screen.data : {};
    screens.set(screen.id, { id: screen.id, index, screen, declared, inputs: new Set(), footers: [], navigates: [] });
    for (const [key, declaration] of Object.entries(declared)) problems.push(...declarationProblems(declaration, `${at}/data/${escape(key)}`));
  });

  // Components.
  for (const info of screens.values()) {
    for (const { component } of screenComponents(info.screen, info.index)) {
      if (inputValueType(component) && typeof component.name === 'string') info.inputs.add(component.name);
    }
  }
  for (const info of screens.values()) problems.push(...componentProblems(info, screens, version, dataApi, routing));

  problems.push(...routingProblems(screens, routing, dataApi));
  return problems;
}

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const prefix = (at: string) => (found: Found) => ({ ...found, pointer: `${at}${found.pointer}` });

/** A data declaration has a type (arrays their items) and an `__example__` that matches it. */
function declarationProblems(declaration: unknown, at: string): Found[] {
  const key = at.split('/').pop();
  const errors = validateDeclaration(declaration);
  if (errors.length) return describeErrors(errors, `the declaration of data.${key}`).map(prefix(at));
  const decl = declaration as JsonObject;
  if (!('__example__' in decl)) {
    return [
      {
        pointer: at,
        message: `data.${key} needs an "__example__" value (it is what Flow Builder previews and what the checker matches the declaration against)`,
      },
    ];
  }
  let validate;
  try {
    validate = ajv.compile(decl);
  } catch (error) {
    return [{ pointer: at, message: `data.${key} is not a valid JSON Schema: ${(error as Error).message}` }];
  }
  // Compiled for this check only: ajv would otherwise keep every declaration it ever saw.
  ajv.removeSchema(decl);
  if (validate(decl.__example__)) return [];
  return describeErrors(validate.errors ?? [], `data.${key}`).map((found) => ({
    pointer: `${at}/__example__${found.pointer}`,
    message: `__example__ does not match the declaration of data.${key}: ${found.message}`,
  }));
}

function componentProblems(
  info: ScreenInfo,
  screens: Map<string, ScreenInfo>,
  version: string,
  dataApi: string | undefined,
  routing: Record<string, unknown> | undefined,
): Found[] {
  const problems: Found[] = [];
  const components = screenComponents(info.screen, info.index);
  const counts = new Map<string, string[][]>();
  const overLimit = new Set<string>();
  const names = new Map<string, { pointer: string; branches: string[] }>();
  if (components.length > MAX_COMPONENTS_PER_SCREEN) {
    problems.push({
      pointer: pointerOf('screens', info.index, 'layout', 'children'),
      message: `screen ${info.id} has ${components.length} components; a screen holds at most ${MAX_COMPONENTS_PER_SCREEN}: split it`,
    });
  }
  for (const { component, pointer, inForm, branches } of components) {
    const type = component.type;
    if (typeof type !== 'string') {
      problems.push({ pointer: `${pointer}/type`, message: 'a component needs a "type" (e.g. "TextBody")' });
      continue;
    }
    if (!COMPONENTS[type]) {
      problems.push({ pointer: `${pointer}/type`, message: `"${type}" is not a Flow JSON component; known: ${list(Object.keys(COMPONENTS))}` });
      continue;
    }
    const since = COMPONENT_SINCE[type];
    if (since && !atLeast(version, since)) {
      problems.push({
        pointer: `${pointer}/type`,
        message: `${type} needs Flow JSON ${since} or later; this file is version ${version}: raise "version"`,
      });
    }
    for (const property of Object.keys(component)) {
      const propertySince = PROPERTY_SINCE[`${type}.${property}`];
      if (propertySince && !atLeast(version, propertySince)) {
        problems.push({
          pointer: `${pointer}/${escape(property)}`,
          message: `${type} "${property}" needs Flow JSON ${propertySince} or later; this file is version ${version}`,
        });
      }
    }
    problems.push(...describeErrors(validateComponent(type, component), type).map(prefix(pointer)));
    // Components in different branches of an If/Switch never show together: count those that can.
    const max = MAX_PER_SCREEN[type];
    const shown = [...(counts.get(type) ?? []), branches];
    counts.set(type, shown);
    if (max !== undefined && !overLimit.has(type) && shown.filter((other) => !exclusive(other, branches)).length > max) {
      overLimit.add(type);
      problems.push({ pointer, message: `screen ${info.id} has more than ${max} ${type}${max === 1 ? '' : 's'}; a screen allows ${max}` });
    }
    if (inputValueType(component) && !inForm && !atLeast(version, FEATURE_SINCE.inputsWithoutForm)) {
      problems.push({
        pointer,
        message: `before Flow JSON ${FEATURE_SINCE.inputsWithoutForm}, ${type} must be inside a Form component: wrap the inputs in { "type": "Form", "name": "form", "children": [ … ] }`,
      });
    }
    if (typeof component.name === 'string') {
      const other = names.get(component.name);
      if (other && !exclusive(other.branches, branches)) {
        problems.push({
          pointer: `${pointer}/name`,
          message: `name "${component.name}" is used twice on screen ${info.id}: names must be unique within a screen`,
        });
      } else if (!other) names.set(component.name, { pointer, branches });
    }
    if (type === 'Footer') info.footers.push({ pointer, action: isObject(component['on-click-action']) ? component['on-click-action'] : undefined });
    for (const { value, pointer: at } of componentStrings(component, pointer))
      problems.push(...expressionProblems(value, at, info, screens, version));
    for (const { action, pointer: at } of componentActions(component, pointer))
      problems.push(...actionProblems(action, at, info, screens, version, dataApi, routing));
  }
  return problems;
}

/** Two components in different branches of the same If/Switch never show together. */
function exclusive(a: string[], b: string[]): boolean {
  return a.some((branch) => {
    const [owner] = branch.split(':');
    return b.some((other) => other.split(':')[0] === owner && other !== branch);
  });
}

function expressionProblems(value: string, at: string, info: ScreenInfo, screens: Map<string, ScreenInfo>, version: string): Found[] {
  const problems: Found[] = [];
  for (const match of value.matchAll(EXPRESSION)) {
    const expression = match[0];
    const path = match[1].trim().split('.');
    const [scope, first, second, third] = path;
    if (scope === 'data') {
      if (!first || !(first in info.declared)) {
        problems.push({
          pointer: at,
          message: `\`${expression}\` is not declared by screen ${info.id}; declared: ${list(Object.keys(info.declared))}`,
        });
      }
    } else if (scope === 'form') {
      if (!first || !info.inputs.has(first)) {
        problems.push({ pointer: at, message: `\`${expression}\` names no input of screen ${info.id}; inputs: ${list(info.inputs)}` });
      }
    } else if (scope === 'screen') {
      if (!atLeast(version, FEATURE_SINCE.screenReference)) {
        problems.push({
          pointer: at,
          message: `\`${expression}\` (a reference to another screen) needs Flow JSON ${FEATURE_SINCE.screenReference} or later; this file is version ${version}`,
        });
        continue;
      }
      const target = first ? screens.get(first) : undefined;
      if (!target) {
        problems.push({ pointer: at, message: `\`${expression}\`: "${first ?? ''}" is not a screen; screens: ${list(screens.keys())}` });
      } else if (second === 'form') {
        if (!third || !target.inputs.has(third))
          problems.push({ pointer: at, message: `\`${expression}\` names no input of screen ${target.id}; inputs: ${list(target.inputs)}` });
      } else if (second === 'data') {
        if (!third || !(third in target.declared))
          problems.push({
            pointer: at,
            message: `\`${expression}\` is not declared by screen ${target.id}; declared: ${list(Object.keys(target.declared))}`,
          });
      } else {
        problems.push({
          pointer: at,
          message: `\`${expression}\` must be \`\${screen.${target.id}.form.<input>}\` or \`\${screen.${target.id}.data.<key>}\``,
        });
      }
    } else {
      problems.push({
        pointer: at,
        message: `\`${expression}\` is not a reference Flow JSON knows: use \${data.<key>}, \${form.<input>} or \${screen.<SCREEN>.form.<input>}`,
      });
    }
  }
  return problems;
}

function actionProblems(
  action: JsonObject,
  at: string,
  info: ScreenInfo,
  screens: Map<string, ScreenInfo>,
  version: string,
  dataApi: string | undefined,
  routing: Record<string, unknown> | undefined,
): Found[] {
  const problems: Found[] = [];
  const name = action.name;
  if (typeof name !== 'string') return problems;
  const since = ACTION_SINCE[name];
  if (since && !atLeast(version, since))
    problems.push({ pointer: `${at}/name`, message: `the ${name} action needs Flow JSON ${since} or later; this file is version ${version}` });
  const payload = isObject(action.payload) ? action.payload : {};
  if (name === 'navigate') {
    const next = isObject(action.next) ? action.next : undefined;
    if (!next) {
      problems.push({ pointer: `${at}/next`, message: 'a navigate action needs "next": { "type": "screen", "name": "<SCREEN>" }' });
      return problems;
    }
    const targetId = typeof next.name === 'string' ? next.name : undefined;
    const target = targetId ? screens.get(targetId) : undefined;
    if (next.type === 'screen' && targetId && !target) {
      problems.push({ pointer: `${at}/next/name`, message: `navigate to "${targetId}", which is not a screen; screens: ${list(screens.keys())}` });
    }
    if (target) {
      info.navigates.push({ target: target.id, pointer: `${at}/next/name` });
      const allowed = routing?.[info.id];
      if (routing && Array.isArray(allowed) && !allowed.includes(target.id)) {
        problems.push({
          pointer: `${at}/next/name`,
          message: `routing_model does not allow ${info.id} → ${target.id}: add "${target.id}" to routing_model.${info.id}`,
        });
      }
      for (const key of Object.keys(payload)) {
        if (!(key in target.declared)) {
          problems.push({
            pointer: `${at}/payload/${escape(key)}`,
            message: `navigate sends "${key}", which screen ${target.id} does not declare; declared: ${list(Object.keys(target.declared))}`,
          });
        }
      }
    }
  } else if (name === 'data_exchange' && dataApi === undefined) {
    problems.push({ pointer: `${at}/name`, message: 'data_exchange needs a data endpoint: add "data_api_version": "3.0" at the top of the file' });
  } else if (name === 'update_data') {
    for (const key of Object.keys(payload)) {
      if (!(key in info.declared)) {
        problems.push({
          pointer: `${at}/payload/${escape(key)}`,
          message: `update_data sets "${key}", which screen ${info.id} does not declare; declared: ${list(Object.keys(info.declared))}`,
        });
      }
    }
  } else if (name === 'open_url' && typeof action.url !== 'string') {
    problems.push({ pointer: `${at}/url`, message: 'an open_url action needs "url"' });
  }
  return problems;
}

function routingProblems(screens: Map<string, ScreenInfo>, routing: Record<string, unknown> | undefined, dataApi: string | undefined): Found[] {
  const problems: Found[] = [];
  if (screens.size === 0) return problems;
  const edges = new Map<string, Set<string>>([...screens.keys()].map((id) => [id, new Set<string>()]));
  if (routing) {
    for (const [from, targets] of Object.entries(routing)) {
      if (!screens.has(from))
        problems.push({
          pointer: pointerOf('routing_model', from),
          message: `routing_model: "${from}" is not a screen; screens: ${list(screens.keys())}`,
        });
      if (!Array.isArray(targets)) continue;
      targets.forEach((target, index) => {
        if (typeof target !== 'string') return;
        if (!screens.has(target))
          problems.push({
            pointer: pointerOf('routing_model', from, index),
            message: `routing_model.${from}: "${target}" is not a screen; screens: ${list(screens.keys())}`,
          });
        else edges.get(from)?.add(target);
      });
    }
  }
  for (const info of screens.values()) for (const { target } of info.navigates) edges.get(info.id)!.add(target);

  const inbound = new Set([...edges.values()].flatMap((targets) => [...targets]));
  const ordered = [...screens.values()].sort((a, b) => a.index - b.index);
  const entry = ordered.find((info) => !inbound.has(info.id)) ?? ordered[0];
  const reached = new Set([entry.id]);
  const queue = [entry.id];
  while (queue.length) {
    for (const next of edges.get(queue.shift()!) ?? []) {
      if (!reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  // Without a routing_model, an endpoint can send the user to any screen: reachability is unknown.
  const canRoute = routing !== undefined || dataApi === undefined;
  for (const info of ordered) {
    if (!reached.has(info.id) && canRoute) {
      problems.push({
        pointer: pointerOf('screens', info.index, 'id'),
        message: `screen ${info.id} cannot be reached from the entry screen ${entry.id}: add it to ${routing ? 'a routing_model list' : 'a navigate action'} or remove it`,
      });
    }
  }

  const terminals = ordered.filter((info) => info.screen.terminal === true);
  if (terminals.length === 0) {
    problems.push({ pointer: '/screens', message: 'no screen is terminal: mark the screen that ends the flow with "terminal": true' });
  } else if (canRoute && !terminals.some((info) => reached.has(info.id))) {
    problems.push({ pointer: '/screens', message: `no terminal screen can be reached from the entry screen ${entry.id}` });
  }
  for (const info of terminals) {
    const at = pointerOf('screens', info.index, 'terminal');
    if (info.footers.length === 0) {
      problems.push({
        pointer: at,
        message: `terminal screen ${info.id} needs a Footer whose on-click-action is "complete"${dataApi ? ' (or "data_exchange", to complete from the endpoint)' : ''}`,
      });
      continue;
    }
    for (const footer of info.footers) {
      const name = footer.action?.name;
      if (name === 'complete' || (name === 'data_exchange' && dataApi !== undefined)) continue;
      problems.push({
        pointer: `${footer.pointer}/on-click-action/name`,
        message: `the Footer of terminal screen ${info.id} must end the flow: use "complete"${dataApi ? ' or "data_exchange"' : ''}, not ${JSON.stringify(name)}`,
      });
    }
  }
  return problems;
}
