// What a screen starts with and what its Footer needs: init-values, error-messages, the inputs shown.
import { flag, resolve, type Scope, type Values } from './expressions.js';
import type { Component, Screen } from './flow-json-types.js';
import { fieldError, isInput } from './validation.js';

export function children(screen: Screen | undefined): Component[] {
  return screen?.layout?.children ?? [];
}

/** Walks every component, both branches of If and every case of Switch included. */
function walkAll(components: Component[], visit: (component: Component, form?: Component) => void, form?: Component): void {
  for (const component of components ?? []) {
    if (!component || typeof component !== 'object') continue;
    visit(component, form);
    const inner = component.type === 'Form' ? component : form;
    for (const key of ['children', 'then', 'else']) if (Array.isArray(component[key])) walkAll(component[key] as Component[], visit, inner);
    if (component.type === 'Switch' && component.cases && typeof component.cases === 'object') {
      for (const branch of Object.values(component.cases as Record<string, Component[]>)) walkAll(branch, visit, inner);
    }
  }
}

/** The inputs the user sees now (visible, in the branch of If/Switch that applies). */
export function visibleInputs(components: Component[], scope: Scope): Component[] {
  const found: Component[] = [];
  const walk = (list: Component[]) => {
    for (const component of list ?? []) {
      if (!component || typeof component !== 'object' || !flag(component.visible, scope, true)) continue;
      if (isInput(component)) found.push(component);
      if (component.type === 'Form') walk((component.children as Component[]) ?? []);
      if (component.type === 'If') walk(((flag(component.condition, scope, false) ? component.then : component.else) as Component[]) ?? []);
      if (component.type === 'Switch') walk(((component.cases as Record<string, Component[]>) ?? {})[String(resolve(component.value, scope))] ?? []);
    }
  };
  walk(components);
  return found;
}

/** Form values a screen opens with: each input's `init-value` (4.0+), or its Form's `init-values`. */
export function initialForm(screen: Screen, scope: Scope): Values {
  const form: Values = {};
  walkAll(children(screen), (component, parentForm) => {
    if (!isInput(component)) return;
    const name = component.name as string;
    const fromForm = parentForm ? (resolve(parentForm['init-values'], scope) as Values | undefined)?.[name] : undefined;
    const value = component['init-value'] !== undefined ? resolve(component['init-value'], scope) : fromForm;
    if (value !== undefined) form[name] = value;
  });
  return form;
}

/** Errors sent for the screen: each input's `error-message` (4.0+), or its Form's `error-messages`. */
export function declaredErrors(screen: Screen, scope: Scope): Record<string, string> {
  const errors: Record<string, string> = {};
  walkAll(children(screen), (component, parentForm) => {
    if (!isInput(component)) return;
    const name = component.name as string;
    const fromForm = parentForm ? (resolve(parentForm['error-messages'], scope) as Values | undefined)?.[name] : undefined;
    const given = component['error-message'] !== undefined ? resolve(component['error-message'], scope) : fromForm;
    // A CalendarPicker in range mode gives one message per side.
    const message =
      given && typeof given === 'object'
        ? Object.values(given)
            .filter((part) => typeof part === 'string' && part)
            .join(' · ')
        : given;
    if (typeof message === 'string' && message) errors[name] = message;
  });
  return errors;
}

/** Problems that keep the Footer disabled, by field name. */
export function inputProblems(screen: Screen, scope: Scope): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const input of visibleInputs(children(screen), scope)) {
    const problem = fieldError(input, scope.form[input.name as string], scope);
    if (problem) problems[input.name as string] = problem;
  }
  return problems;
}

/** The screen's data as the Flow JSON's `__example__` values show it. */
export function exampleData(screen: Screen): Values {
  return Object.fromEntries(Object.entries(screen.data ?? {}).map(([key, schema]) => [key, schema?.__example__]));
}
