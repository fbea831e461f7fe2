// `${data.x}`, `${form.x}` and `${screen.S.form.x}` / `${screen.S.data.x}`: each must name something
// that exists (Meta's static validation errors: INVALID_SCREEN_DYNAMIC_DATA, INVALID_ON_CLICK_ACTION_PAYLOAD).
import type { CheckContext, ScreenInfo } from './check-context.js';
import { EXPRESSION } from './flow-json-walk.js';
import { FEATURE_SINCE, atLeast } from './flow-json-versions.js';
import { error, list, type Found } from './problems.js';

export function expressionProblems(value: string, at: string, info: ScreenInfo, context: CheckContext): Found[] {
  const { version, screens } = context;
  const problems: Found[] = [];
  for (const match of value.matchAll(EXPRESSION)) {
    const expression = match[0];
    const [scope, first, second, third] = match[1].trim().split('.');
    if (scope === 'data') {
      if (!first || !(first in info.declared)) {
        problems.push(error(at, `\`${expression}\` is not declared by screen ${info.id}; declared: ${list(Object.keys(info.declared))}`));
      }
    } else if (scope === 'form') {
      if (!first || !info.inputs.has(first)) {
        problems.push(error(at, `\`${expression}\` names no input of screen ${info.id}; inputs: ${list(info.inputs.keys())}`));
      }
    } else if (scope === 'screen') {
      if (!atLeast(version, FEATURE_SINCE.screenReference)) {
        problems.push(
          error(
            at,
            `\`${expression}\` (a reference to another screen) needs Flow JSON ${FEATURE_SINCE.screenReference} or later; this file is version ${version}`,
          ),
        );
        continue;
      }
      const target = first ? screens.get(first) : undefined;
      if (!target) {
        problems.push(error(at, `\`${expression}\`: "${first ?? ''}" is not a screen; screens: ${list(screens.keys())}`));
      } else if (target.id === info.id) {
        problems.push(
          error(
            at,
            `\`${expression}\` refers to its own screen ${info.id}: write \`\${${second === 'form' ? 'form' : 'data'}.${third ?? '…'}}\` instead`,
          ),
        );
      } else if (second === 'form') {
        if (!third || !target.inputs.has(third))
          problems.push(error(at, `\`${expression}\` names no input of screen ${target.id}; inputs: ${list(target.inputs.keys())}`));
      } else if (second === 'data') {
        if (!third || !(third in target.declared))
          problems.push(error(at, `\`${expression}\` is not declared by screen ${target.id}; declared: ${list(Object.keys(target.declared))}`));
      } else {
        problems.push(error(at, `\`${expression}\` must be \`\${screen.${target.id}.form.<input>}\` or \`\${screen.${target.id}.data.<key>}\``));
      }
    } else {
      problems.push(
        error(at, `\`${expression}\` is not a reference Flow JSON knows: use \${data.<key>}, \${form.<input>} or \${screen.<SCREEN>.form.<input>}`),
      );
    }
  }
  return problems;
}
