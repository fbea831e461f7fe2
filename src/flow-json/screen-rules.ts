// The rules of a screen's components together: how many of each, unique names, Forms, the Footers of
// If and Switch branches, and the components that must stand alone (RichText before 6.3, NavigationList).
import { CONDITIONAL_CHILDREN, MAX_COMPONENTS_PER_SCREEN, MAX_IF_DEPTH, MAX_PER_SCREEN, inputValueType } from './components.js';
import { exclusive, type CheckContext, type ScreenInfo } from './check-context.js';
import { isObject, type JsonObject } from './flow-json-walk.js';
import { FEATURE_SINCE, atLeast } from './flow-json-versions.js';
import { pointerOf } from './json-locator.js';
import { error, escapePointer, warning, type Found } from './problems.js';

export function screenProblems(info: ScreenInfo, context: CheckContext): Found[] {
  const { version } = context;
  const problems: Found[] = [];
  const components = info.components.filter(({ component }) => typeof component.type === 'string');
  if (info.components.length > MAX_COMPONENTS_PER_SCREEN) {
    problems.push(
      error(
        pointerOf('screens', info.index, 'layout', 'children'),
        `screen ${info.id} has ${info.components.length} components; a screen holds at most ${MAX_COMPONENTS_PER_SCREEN}: split it`,
      ),
    );
  }

  // Counts per screen: components in different branches of an If/Switch never show together.
  const counts = new Map<string, string[][]>();
  const overLimit = new Set<string>();
  const names = new Map<string, string[]>();
  const hasForm = components.some(({ component }) => component.type === 'Form');
  let picker: { type: string; pointer: string } | undefined;
  for (const { component, pointer, inForm, branches, conditionals } of components) {
    const type = String(component.type);
    const max = MAX_PER_SCREEN[type];
    const shown = [...(counts.get(type) ?? []), branches];
    counts.set(type, shown);
    if (max !== undefined && !overLimit.has(type) && shown.filter((other) => !exclusive(other, branches)).length > max) {
      overLimit.add(type);
      problems.push(error(pointer, `screen ${info.id} has more than ${max} ${type}${max === 1 ? '' : 's'}; a screen allows ${max}`));
    }
    if (type === 'PhotoPicker' || type === 'DocumentPicker') {
      if (picker && picker.type !== type) {
        problems.push(error(pointer, `screen ${info.id} has a PhotoPicker and a DocumentPicker; Meta allows one media picker per screen`));
      }
      picker ??= { type, pointer };
    }
    if (inputValueType(component)) {
      if (!inForm && !atLeast(version, FEATURE_SINCE.inputsWithoutForm)) {
        problems.push(
          error(
            pointer,
            `before Flow JSON ${FEATURE_SINCE.inputsWithoutForm}, ${type} must be inside a Form component: wrap the inputs in { "type": "Form", "name": "form", "children": [ … ] }`,
          ),
        );
      } else if (!inForm && hasForm) {
        problems.push(error(pointer, `${type} is outside the Form of screen ${info.id}: when a screen has a Form, every input goes inside it`));
      }
    }
    if (typeof component.name === 'string' && type !== 'Form') {
      const others = names.get(component.name) ?? [];
      // Two inputs of one name in exclusive branches (then/else) are one field shown one way or the other.
      if (others.some((other) => !exclusive(JSON.parse(other) as string[], branches))) {
        problems.push(error(`${pointer}/name`, `name "${component.name}" is used twice on screen ${info.id}: names must be unique within a screen`));
      }
      names.set(component.name, [...others, JSON.stringify(branches)]);
    }
    problems.push(...conditionalProblems(component, pointer, conditionals, version));
    if (type === 'Form') problems.push(...formProblems(component, pointer, info));
  }

  // Components that stand alone.
  const others = (type: string, allowed: string[] = []) =>
    components.filter(({ component }) => component.type !== type && !allowed.includes(String(component.type)));
  for (const { component, pointer } of components) {
    if (component.type === 'RichText') {
      if (!atLeast(version, FEATURE_SINCE.richTextWithFooter) && others('RichText').length) {
        problems.push(
          error(
            pointer,
            `before Flow JSON ${FEATURE_SINCE.richTextWithFooter}, a RichText stands alone on its screen; screen ${info.id} also has ${names_(others('RichText'))}`,
          ),
        );
      } else if (atLeast(version, FEATURE_SINCE.richTextWithFooter) && others('RichText', ['Footer']).length) {
        problems.push(
          warning(
            pointer,
            `Meta documents RichText alone or beside a Footer; screen ${info.id} also has ${names_(others('RichText', ['Footer']))} (use TextBody with markdown for text among other components)`,
          ),
        );
      }
    }
    if (component.type === 'NavigationList' && others('NavigationList').length) {
      problems.push(
        error(
          pointer,
          `a NavigationList cannot share its screen with other components; screen ${info.id} also has ${names_(others('NavigationList'))}`,
        ),
      );
    }
  }
  return problems;
}

const names_ = (components: Array<{ component: JsonObject }>) => [...new Set(components.map(({ component }) => String(component.type)))].join(', ');

/** If and Switch: what their branches may hold, how deep Ifs nest, and where a Footer may be. */
function conditionalProblems(component: JsonObject, pointer: string, conditionals: Array<'If' | 'Switch'>, version: string): Found[] {
  const problems: Found[] = [];
  const type = String(component.type);
  const owner = conditionals.at(-1);
  if (owner) {
    if (type === 'ChipsSelector' && !atLeast(version, FEATURE_SINCE.chipsInConditionals)) {
      problems.push(
        error(
          `${pointer}/type`,
          `ChipsSelector inside ${owner} needs Flow JSON ${FEATURE_SINCE.chipsInConditionals} or later; this file is version ${version}`,
        ),
      );
    } else if (!CONDITIONAL_CHILDREN[owner].has(type)) {
      problems.push(
        warning(
          `${pointer}/type`,
          `${type} is not among the components Meta's components reference lists for ${owner} branches (a list older than some components)`,
        ),
      );
    }
  }
  const ifDepth = conditionals.filter((kind) => kind === 'If').length;
  if (type === 'If' && ifDepth === MAX_IF_DEPTH) {
    problems.push(error(`${pointer}/type`, `If components nest at most ${MAX_IF_DEPTH} deep; this one is the ${MAX_IF_DEPTH + 1}th`));
  }
  const hasFooter = (children: unknown) => Array.isArray(children) && children.some((child) => isObject(child) && child.type === 'Footer');
  if (type === 'If' && ifDepth > 0 && (hasFooter(component.then) || hasFooter(component.else))) {
    problems.push(error(`${pointer}/type`, 'a Footer may sit in an If only at the first level, not in a nested If like this one'));
  } else if (type === 'If') {
    const inThen = hasFooter(component.then);
    if (inThen && !Array.isArray(component.else)) {
      problems.push(
        error(
          `${pointer}/then`,
          'this If has a Footer in `then` and no `else`: add an `else` with a Footer (Meta: a Footer in an If is in both branches)',
        ),
      );
    } else if (inThen !== hasFooter(component.else) && Array.isArray(component.else)) {
      problems.push(error(`${pointer}/${inThen ? 'else' : 'then'}`, 'a Footer in one branch of an If must be in the other too'));
    }
  }
  if (type === 'Switch' && isObject(component.cases)) {
    const cases = Object.entries(component.cases);
    const withFooter = cases.filter(([, children]) => hasFooter(children));
    if (withFooter.length && withFooter.length < cases.length) {
      const missing = cases.filter(([, children]) => !hasFooter(children)).map(([name]) => name);
      problems.push(error(`${pointer}/cases`, `a Footer in one case of a Switch must be in every case; missing in: ${missing.join(', ')}`));
    }
  }
  return problems;
}

/**
 * A Form's `init-values` and `error-messages`, when given as objects: PhotoPicker and DocumentPicker
 * cannot be initialised (Meta's media upload page), and a key naming no input of the Form does nothing.
 */
function formProblems(form: JsonObject, pointer: string, info: ScreenInfo): Found[] {
  const problems: Found[] = [];
  const inside = new Map(
    info.components
      .filter(
        (visited) => visited.pointer.startsWith(`${pointer}/`) && inputValueType(visited.component) && typeof visited.component.name === 'string',
      )
      .map((visited) => [String(visited.component.name), visited.component]),
  );
  for (const key of ['init-values', 'error-messages']) {
    const values = form[key];
    if (!isObject(values)) continue;
    for (const name of Object.keys(values)) {
      const input = inside.get(name);
      const at = `${pointer}/${key}/${escapePointer(name)}`;
      if (!input) {
        problems.push(warning(at, `\`${key}\` names "${name}", which is no input of this Form; inputs: ${[...inside.keys()].join(', ') || 'none'}`));
      } else if (key === 'init-values' && (input.type === 'PhotoPicker' || input.type === 'DocumentPicker')) {
        problems.push(error(at, `a ${String(input.type)} cannot be initialised through \`init-values\``));
      }
    }
  }
  return problems;
}
