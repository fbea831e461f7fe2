// The rules of actions: which action a property takes, by version, and what each action's payload may
// carry (declared data, the media pickers' values).
import { ACTION_SLOTS, MEDIA_PICKERS } from './components.js';
import type { CheckContext, ScreenInfo } from './check-context.js';
import { EXPRESSION, isObject, type JsonObject } from './flow-json-walk.js';
import { ACTION_SINCE, atLeast } from './flow-json-versions.js';
import { error, escapePointer, list, warning, type Found } from './problems.js';

export interface FoundAction {
  action: JsonObject;
  pointer: string;
  /** `Footer.on-click-action`, `option.on-select-action`, `list-item.on-click-action`… */
  slot: string;
}

export function actionProblems({ action, pointer: at, slot }: FoundAction, info: ScreenInfo, context: CheckContext): Found[] {
  const { version, dataApi, routing, screens } = context;
  const problems: Found[] = [];
  const name = action.name;
  if (typeof name !== 'string') return problems;
  const since = ACTION_SINCE[name];
  if (since && !atLeast(version, since)) {
    problems.push(error(`${at}/name`, `the ${name} action needs Flow JSON ${since} or later; this file is version ${version}`));
  }
  const owner = slot.split('.')[0];
  const allowed = ACTION_SLOTS[slot];
  if (name === 'complete' && owner !== 'Footer') {
    problems.push(error(`${at}/name`, `the complete action belongs on a Footer only, not on ${owner}`));
  } else if (name === 'open_url' && owner !== 'EmbeddedLink' && owner !== 'OptIn') {
    problems.push(error(`${at}/name`, `the open_url action belongs on an EmbeddedLink or an OptIn only, not on ${owner}`));
  } else if (allowed && !allowed.includes(name)) {
    problems.push(warning(`${at}/name`, `Meta's components reference lists ${allowed.join(', ')} for ${slot}, not ${name}`));
  }
  if (name === 'complete' && !info.terminal) {
    problems.push(error(`${at}/name`, `the complete action belongs on a terminal screen; screen ${info.id} is not terminal`));
  }
  const payload = isObject(action.payload) ? action.payload : {};
  if (name === 'navigate') {
    const next = isObject(action.next) ? action.next : undefined;
    if (!next) {
      problems.push(error(`${at}/next`, 'a navigate action needs "next": { "type": "screen", "name": "<SCREEN>" }'));
      return problems;
    }
    const targetId = typeof next.name === 'string' ? next.name : undefined;
    const target = targetId ? screens.get(targetId) : undefined;
    if (next.type === 'screen' && targetId && !target) {
      problems.push(error(`${at}/next/name`, `navigate to "${targetId}", which is not a screen; screens: ${list(screens.keys())}`));
    }
    if (target && target.id === info.id) {
      problems.push(
        error(`${at}/next/name`, `navigate to ${info.id} from ${info.id}: a screen cannot navigate to itself (use update_data to change it)`),
      );
    } else if (target) {
      info.navigates.push({ target: target.id, pointer: `${at}/next/name` });
      const allowedTargets = routing?.[info.id];
      if (routing && Array.isArray(allowedTargets) && !allowedTargets.includes(target.id)) {
        problems.push(
          error(`${at}/next/name`, `routing_model does not allow ${info.id} → ${target.id}: add "${target.id}" to routing_model.${info.id}`),
        );
      }
      problems.push(...navigatePayloadProblems(payload, at, info, target));
    }
  } else if (name === 'data_exchange' && dataApi === undefined) {
    problems.push(error(`${at}/name`, 'data_exchange needs a data endpoint: add "data_api_version": "3.0" at the top of the file'));
  } else if (name === 'update_data') {
    for (const key of Object.keys(payload)) {
      if (!(key in info.declared)) {
        problems.push(
          error(
            `${at}/payload/${escapePointer(key)}`,
            `update_data sets "${key}", which screen ${info.id} does not declare; declared: ${list(Object.keys(info.declared))}`,
          ),
        );
      }
    }
  } else if (name === 'open_url' && typeof action.url !== 'string') {
    problems.push(error(`${at}/url`, 'an open_url action needs "url"'));
  }
  problems.push(...pickerPayloadProblems(name, payload, at, info, context));
  return problems;
}

const JSON_TYPES: Record<string, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  number: (value) => typeof value === 'number',
  integer: (value) => Number.isInteger(value),
  boolean: (value) => typeof value === 'boolean',
  object: (value) => isObject(value),
  array: (value) => Array.isArray(value),
};

/** A navigate payload is the next screen's data: declared keys, literals of the declared type. */
function navigatePayloadProblems(payload: JsonObject, at: string, info: ScreenInfo, target: ScreenInfo): Found[] {
  const problems: Found[] = [];
  for (const [key, value] of Object.entries(payload)) {
    const pointer = `${at}/payload/${escapePointer(key)}`;
    const declaration = target.declared[key];
    if (!isObject(declaration)) {
      problems.push(
        error(pointer, `navigate sends "${key}", which screen ${target.id} does not declare; declared: ${list(Object.keys(target.declared))}`),
      );
      continue;
    }
    const expected = declaration.type;
    const literal = !(typeof value === 'string' && value.includes('${'));
    if (literal && typeof expected === 'string' && JSON_TYPES[expected] && !JSON_TYPES[expected](value)) {
      problems.push(error(pointer, `navigate sends "${key}" as ${JSON.stringify(value)}; screen ${target.id} declares it ${expected}`));
    }
  }
  const missing = Object.keys(target.declared).filter((key) => !(key in payload));
  if (missing.length && Object.keys(payload).length) {
    problems.push(
      warning(
        `${at}/payload`,
        `navigate to ${target.id} leaves out ${missing.join(', ')}, which it declares; Meta's error codes list this, though from 4.0 a screen may read other screens' data`,
      ),
    );
  }
  return problems;
}

/** The screen and picker a `${form.x}` / `${screen.S.form.x}` names, when x is a PhotoPicker or DocumentPicker. */
function pickerIn(value: string, info: ScreenInfo, context: CheckContext): Array<{ picker: JsonObject; expression: string }> {
  const found: Array<{ picker: JsonObject; expression: string }> = [];
  for (const match of value.matchAll(EXPRESSION)) {
    const path = match[1].trim().split('.');
    const input =
      path[0] === 'form'
        ? info.inputs.get(path[1])
        : path[0] === 'screen' && path[2] === 'form'
          ? context.screens.get(path[1])?.inputs.get(path[3])
          : undefined;
    if (input && MEDIA_PICKERS.has(String(input.component.type))) found.push({ picker: input.component, expression: match[0] });
  }
  return found;
}

/**
 * PhotoPicker and DocumentPicker values (Meta's media upload page and static validation errors): never
 * in a navigate payload; in data_exchange and complete only as a top-level string property. How many a
 * complete payload may carry, Meta's pages disagree on: warnings.
 */
function pickerPayloadProblems(name: string, payload: JsonObject, at: string, info: ScreenInfo, context: CheckContext): Found[] {
  const problems: Found[] = [];
  let inComplete = 0;
  const visit = (value: unknown, pointer: string, top: boolean) => {
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${pointer}/${index}`, false));
    else if (isObject(value)) for (const [key, inner] of Object.entries(value)) visit(inner, `${pointer}/${escapePointer(key)}`, false);
    else if (typeof value === 'string') {
      for (const { picker, expression } of pickerIn(value, info, context)) {
        const type = String(picker.type);
        if (name === 'navigate') {
          problems.push(
            error(
              pointer,
              `a ${type}'s value cannot travel in a navigate payload; read it on the next screen as \${screen.${info.id}.form.…} (4.0+)`,
            ),
          );
        } else if (!top || value.trim() !== expression) {
          problems.push(error(pointer, `a ${type}'s value goes in the payload only as a top-level property whose value is exactly ${expression}`));
        } else if (name === 'complete') {
          inComplete++;
          const max = picker[type === 'PhotoPicker' ? 'max-uploaded-photos' : 'max-uploaded-documents'];
          // Meta's error codes allow one picker of at most 1 file in a complete payload; its media upload
          // page allows up to 10 files (100 MiB) in the response message: warnings both.
          if (inComplete === 2) {
            problems.push(
              warning(
                pointer,
                "Meta's error codes allow one PhotoPicker or DocumentPicker value per complete payload; its media page up to 10 files",
              ),
            );
          } else if (typeof max !== 'number' || max > 1) {
            problems.push(
              warning(
                pointer,
                `Meta's error codes want ${type === 'PhotoPicker' ? 'max-uploaded-photos' : 'max-uploaded-documents'} at most 1 (default 30) for a picker sent by complete; its media page allows up to 10 files in the response message`,
              ),
            );
          }
        }
      }
    }
  };
  for (const [key, value] of Object.entries(payload)) visit(value, `${at}/payload/${escapePointer(key)}`, true);
  return problems;
}
