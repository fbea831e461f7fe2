// The checker: a Flow JSON text in, every problem out with its position and severity (problems.ts).
// Rules come from Meta's Flow JSON reference, components reference, static validation errors and
// changelog; each rule file says which. Errors are what Meta refuses; warnings what its sources
// disagree on (docs/flow-json.md has the table).
import { actionProblems } from './action-rules.js';
import { screenInfo, type CheckContext, type ScreenInfo } from './check-context.js';
import { componentProblems } from './component-rules.js';
import { MAX_FLOW_JSON_BYTES, MAX_PER_FLOW, MAX_SCREENS } from './components.js';
import { expressionProblems } from './expression-rules.js';
import {
  DATA_API_MIN_FLOW_JSON,
  DATA_API_VERSIONS,
  FLOW_JSON_VERSIONS,
  LATEST_FLOW_JSON_VERSION,
  SCREEN_PROPERTY_SINCE,
  TOP_LEVEL_UNTIL,
  atLeast,
} from './flow-json-versions.js';
import { componentActions, componentStrings, isObject, type JsonObject } from './flow-json-walk.js';
import { JsonLocator, pointerOf } from './json-locator.js';
import { error, escapePointer, prefix, warning, type FlowJsonProblem, type Found } from './problems.js';
import { routingProblems } from './routing-rules.js';
import { ajv, describeErrors, validateDeclaration, validateFlowTop, validateScreen } from './schemas.js';
import { screenProblems } from './screen-rules.js';

export type { FlowJsonProblem, FlowJsonSeverity } from './problems.js';

const SCREEN_ID = /^[A-Za-z_]+$/;
/** Meta's changelog: versions still accepted for publishing; older ones only keep sending flows published before. */
const OLDEST_PUBLISHABLE = '5.1';

/** Checks a Flow JSON text: every error and warning, with its pointer and position, in file order. Empty when clean. */
export function checkFlowJson(text: string): FlowJsonProblem[] {
  const locator = new JsonLocator(text);
  if (locator.syntaxErrors.length) return locator.syntaxErrors.map((found) => ({ pointer: '', ...found, severity: 'error' as const }));
  const found = flowJsonProblems(locator.value);
  if (text.length * 3 > MAX_FLOW_JSON_BYTES && new TextEncoder().encode(text).length > MAX_FLOW_JSON_BYTES) {
    found.push(error('', `the Flow JSON is over ${MAX_FLOW_JSON_BYTES / 1024 / 1024} MB, Meta's limit: move large data (images) to the endpoint`));
  }
  return found
    .map((problem) => ({ pointer: problem.pointer, ...locator.locate(problem.pointer), message: problem.message, severity: problem.severity }))
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

/** `file:line:col  message` (warnings say so): the line an editor or CI can jump to. */
export const formatFlowJsonProblem = (file: string, problem: FlowJsonProblem) =>
  `${file}:${problem.line}:${problem.column}  ${problem.severity === 'warning' ? 'warning: ' : ''}${problem.message}`;

/** The problems of a parsed Flow JSON, with pointers (no positions). */
export function flowJsonProblems(json: unknown): Found[] {
  if (!isObject(json)) return [error('', 'the file is not a JSON object: a Flow JSON is { "version": …, "screens": [ … ] }')];
  const problems: Found[] = [...describeErrors(validateFlowTop(json), 'the Flow JSON')];

  const declaredVersion = typeof json.version === 'string' ? json.version : undefined;
  const known = declaredVersion !== undefined && (FLOW_JSON_VERSIONS as readonly string[]).includes(declaredVersion);
  if (declaredVersion !== undefined && !known) {
    problems.push(error('/version', `"${declaredVersion}" is not a Flow JSON version; use one of ${FLOW_JSON_VERSIONS.join(', ')}`));
  }
  const version = known ? declaredVersion : LATEST_FLOW_JSON_VERSION;
  if (known && !atLeast(version, OLDEST_PUBLISHABLE)) {
    problems.push(
      warning(
        '/version',
        `Flow JSON ${version} can no longer be published (Meta's changelog: ${OLDEST_PUBLISHABLE} and later); flows published with it still send. Raise "version" for a new flow`,
      ),
    );
  }
  const dataApi = typeof json.data_api_version === 'string' ? json.data_api_version : undefined;
  if (dataApi !== undefined && !(DATA_API_VERSIONS as readonly string[]).includes(dataApi)) {
    problems.push(error('/data_api_version', `data_api_version "${dataApi}" is not ${DATA_API_VERSIONS.join(' or ')}`));
  } else if (dataApi !== undefined && !atLeast(version, DATA_API_MIN_FLOW_JSON[dataApi as keyof typeof DATA_API_MIN_FLOW_JSON])) {
    const needs = DATA_API_MIN_FLOW_JSON[dataApi as keyof typeof DATA_API_MIN_FLOW_JSON];
    problems.push(
      error(
        '/data_api_version',
        `data_api_version "${dataApi}" needs Flow JSON ${needs} or later (this file is ${version}): raise "version", or use "3.0"`,
      ),
    );
  }
  for (const [property, until] of Object.entries(TOP_LEVEL_UNTIL)) {
    if (json[property] === undefined) continue;
    if (atLeast(version, until)) {
      problems.push(
        error(
          `/${property}`,
          `\`${property}\` is not Flow JSON from version ${until}: the endpoint URL is the flow's endpoint_uri, set through the Flows API (npm run flows -- deploy sets it)`,
        ),
      );
    } else if (typeof json[property] === 'string' && !isUri(json[property])) {
      problems.push(error(`/${property}`, `\`${property}\` must be a URI, e.g. "https://example.com/flows/my-flow"`));
    }
  }
  if (!Array.isArray(json.screens)) return problems;
  if (json.screens.length > MAX_SCREENS) {
    problems.push(error('/screens', `the flow has ${json.screens.length} screens; Meta allows at most ${MAX_SCREENS}`));
  }
  const routing = isObject(json.routing_model) ? (json.routing_model as Record<string, unknown>) : undefined;
  if (dataApi !== undefined && json.routing_model === undefined) {
    problems.push(
      error(
        '/data_api_version',
        'a flow with a data endpoint (data_api_version) needs a routing_model: list, for each screen, the screens it can go to',
      ),
    );
  }

  const context: CheckContext = { version, dataApi, routing, screens: new Map<string, ScreenInfo>() };
  json.screens.forEach((screen, index) => problems.push(...screenShapeProblems(screen, index, context)));
  const terminals = [...context.screens.values()].filter((info) => info.terminal);
  if (terminals.length && terminals.every((info) => info.screen.success === false)) {
    problems.push(
      error(
        pointerOf('screens', terminals[0].index, 'success'),
        'at least one terminal screen must end the flow successfully: leave out "success": false on one',
      ),
    );
  }

  const perFlow = new Map<string, number>();
  for (const info of context.screens.values()) {
    problems.push(...screenProblems(info, context));
    for (const visited of info.components) {
      const { component, pointer } = visited;
      problems.push(...componentProblems(visited, info, context));
      if (typeof component.type !== 'string') continue;
      const count = (perFlow.get(component.type) ?? 0) + 1;
      perFlow.set(component.type, count);
      if (MAX_PER_FLOW[component.type] !== undefined && count === MAX_PER_FLOW[component.type] + 1) {
        problems.push(
          error(pointer, `the flow has more than ${MAX_PER_FLOW[component.type]} ${component.type}s; a flow allows ${MAX_PER_FLOW[component.type]}`),
        );
      }
      if (component.type === 'Footer')
        info.footers.push({ pointer, action: isObject(component['on-click-action']) ? component['on-click-action'] : undefined });
      for (const { value, pointer: at } of componentStrings(component, pointer)) problems.push(...expressionProblems(value, at, info, context));
      for (const found of componentActions(component, pointer)) problems.push(...actionProblems(found, info, context));
    }
  }
  problems.push(...routingProblems(context));
  return problems;
}

const isUri = (value: string) => {
  try {
    return Boolean(new URL(value).protocol);
  } catch {
    return false;
  }
};

/** One screen's own properties: id, terminal/success, refresh_on_back, sensitive, data declarations. */
function screenShapeProblems(screen: unknown, index: number, context: CheckContext): Found[] {
  const at = pointerOf('screens', index);
  if (!isObject(screen)) return [];
  const { version, dataApi, screens } = context;
  const problems: Found[] = describeErrors(validateScreen(screen), `screen ${typeof screen.id === 'string' ? screen.id : index}`).map(prefix(at));
  for (const [property, since] of Object.entries(SCREEN_PROPERTY_SINCE)) {
    if (screen[property] !== undefined && !atLeast(version, since)) {
      problems.push(
        error(`${at}/${property}`, `the screen property "${property}" needs Flow JSON ${since} or later; this file is version ${version}`),
      );
    }
  }
  if (screen.success !== undefined && screen.terminal !== true) {
    problems.push(error(`${at}/success`, '"success" belongs on a terminal screen only'));
  }
  if (screen.refresh_on_back === true && dataApi === undefined) {
    problems.push(
      error(`${at}/refresh_on_back`, '"refresh_on_back": true needs a data endpoint (data_api_version): without one, nothing refreshes the screen'),
    );
  }
  if (typeof screen.id !== 'string') return problems;
  if (!SCREEN_ID.test(screen.id)) problems.push(error(`${at}/id`, `screen id "${screen.id}" must be letters and underscores only`));
  if (screen.id === 'SUCCESS' || screen.id === 'success') {
    problems.push(error(`${at}/id`, `${screen.id} is reserved (it completes the flow): rename this screen`));
  }
  if (screens.has(screen.id)) {
    problems.push(error(`${at}/id`, `screen id "${screen.id}" is used twice (also screens[${screens.get(screen.id)!.index}])`));
    return problems;
  }
  const info = screenInfo(screen.id, index, screen);
  screens.set(screen.id, info);
  for (const [key, declaration] of Object.entries(info.declared))
    problems.push(...declarationProblems(declaration, `${at}/data/${escapePointer(key)}`));
  if (Array.isArray(screen.sensitive)) {
    screen.sensitive.forEach((name, position) => {
      if (typeof name === 'string' && !info.inputs.has(name)) {
        problems.push(
          warning(
            `${at}/sensitive/${position}`,
            `"${name}" names no input of screen ${info.id}, so nothing is masked for it; inputs: ${[...info.inputs.keys()].join(', ') || 'none'}`,
          ),
        );
      }
    });
  }
  return problems;
}

/** A data declaration has a type (arrays their items), an `__example__` that matches it, and that example only at its top. */
function declarationProblems(declaration: unknown, at: string): Found[] {
  const key = at.split('/').pop();
  const errors = validateDeclaration(declaration);
  if (errors.length) return describeErrors(errors, `the declaration of data.${key}`).map(prefix(at));
  const decl = declaration as JsonObject;
  const problems: Found[] = [];
  for (const { schema, pointer } of schemaNodes(decl, at)) {
    if (pointer !== at && '__example__' in schema) {
      problems.push(error(`${pointer}/__example__`, `__example__ belongs at the top of data.${key} only, not inside it`));
    }
    if (schema.type === 'integer') {
      problems.push(
        warning(
          `${pointer}/type`,
          `Meta's Flow JSON reference lists the data types string, number, boolean, object and array; "integer" is JSON Schema, and Meta may refuse it: "number" is safe`,
        ),
      );
    }
  }
  if (!('__example__' in decl)) {
    return [
      ...problems,
      error(at, `data.${key} needs an "__example__" value (it is what Flow Builder previews and what the checker matches the declaration against)`),
    ];
  }
  let validate;
  try {
    validate = ajv.compile(decl);
  } catch (failure) {
    return [...problems, error(at, `data.${key} is not a valid JSON Schema: ${(failure as Error).message}`)];
  }
  // Compiled for this check only: ajv would otherwise keep every declaration it ever saw.
  ajv.removeSchema(decl);
  if (validate(decl.__example__)) return problems;
  return [
    ...problems,
    ...describeErrors(validate.errors ?? [], `data.${key}`).map((found) =>
      error(`${at}/__example__${found.pointer}`, `__example__ does not match the declaration of data.${key}: ${found.message}`),
    ),
  ];
}

/** A declaration and every schema inside it (properties, items), with pointers. */
function schemaNodes(decl: JsonObject, at: string): Array<{ schema: JsonObject; pointer: string }> {
  const nodes: Array<{ schema: JsonObject; pointer: string }> = [];
  const visit = (schema: unknown, pointer: string) => {
    if (!isObject(schema)) return;
    nodes.push({ schema, pointer });
    if (isObject(schema.properties))
      for (const [name, inner] of Object.entries(schema.properties)) visit(inner, `${pointer}/properties/${escapePointer(name)}`);
    if (isObject(schema.items)) visit(schema.items, `${pointer}/items`);
  };
  visit(decl, at);
  return nodes;
}
