import { childLists, inputValueType } from './components.js';
import { pointerOf } from './json-locator.js';

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export interface VisitedComponent {
  component: JsonObject;
  pointer: string;
  /** Inside a `Form` component. */
  inForm: boolean;
  /** Mutually exclusive branches it sits in (If then/else, Switch cases), outermost first: `p:then`. */
  branches: string[];
  /** The If and Switch components it sits in, outermost first. */
  conditionals: Array<'If' | 'Switch'>;
}

/** Every component of a screen's layout, depth first, in file order (If/Switch branches and Form children included). */
export function screenComponents(screen: JsonObject, screenIndex: number): VisitedComponent[] {
  const found: VisitedComponent[] = [];
  const layout = screen.layout;
  if (!isObject(layout) || !Array.isArray(layout.children)) return found;
  const visit = (list: unknown[], pointer: string, inForm: boolean, branches: string[], conditionals: Array<'If' | 'Switch'>) => {
    list.forEach((component, index) => {
      const at = `${pointer}/${index}`;
      if (!isObject(component)) {
        found.push({ component: {}, pointer: at, inForm, branches, conditionals });
        return;
      }
      found.push({ component, pointer: at, inForm, branches, conditionals });
      const type = component.type;
      const inside: Array<'If' | 'Switch'> = type === 'If' || type === 'Switch' ? [...conditionals, type] : conditionals;
      for (const { key, children, branch } of childLists(component)) {
        visit(children, `${at}/${key}`, inForm || component.type === 'Form', branch ? [...branches, `${at}:${branch}`] : branches, inside);
      }
    });
  };
  visit(layout.children, pointerOf('screens', screenIndex, 'layout', 'children'), false, [], []);
  return found;
}

/** Keys of a component holding child components (not checked as the component's own values). */
export const CHILD_KEYS = new Set(['children', 'then', 'else', 'cases']);

/**
 * Every action of a component (`on-click-action`, `on-select-action`…, also inside its options and list
 * items), with its pointer and its slot: `Footer.on-click-action`, `option.on-select-action` (an option
 * of a data-source), `list-item.on-click-action` (an item of a NavigationList).
 */
export function componentActions(component: JsonObject, pointer: string): Array<{ action: JsonObject; pointer: string; slot: string }> {
  const actions: Array<{ action: JsonObject; pointer: string; slot: string }> = [];
  const visit = (value: unknown, at: string, owner: string) => {
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${at}/${index}`, owner));
    else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (value === component && CHILD_KEYS.has(key)) continue;
        if (key.endsWith('-action') && isObject(child)) actions.push({ action: child, pointer: `${at}/${key}`, slot: `${owner}.${key}` });
        else visit(child, `${at}/${key}`, key === 'data-source' ? 'option' : key === 'list-items' ? 'list-item' : owner);
      }
    }
  };
  visit(component, pointer, String(component.type));
  return actions;
}

/** Every string value of a component (not of its child components), with its pointer. */
export function componentStrings(component: JsonObject, pointer: string): Array<{ value: string; pointer: string }> {
  const strings: Array<{ value: string; pointer: string }> = [];
  const visit = (value: unknown, at: string) => {
    if (typeof value === 'string') strings.push({ value, pointer: at });
    else if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${at}/${index}`));
    else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (value === component && CHILD_KEYS.has(key)) continue;
        visit(child, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      }
    }
  };
  visit(component, pointer);
  return strings;
}

/** The inputs of a screen by name, with the type their value arrives as. */
export function screenInputs(screen: JsonObject, screenIndex: number): Map<string, { component: JsonObject; valueType: string; pointer: string }> {
  const inputs = new Map<string, { component: JsonObject; valueType: string; pointer: string }>();
  for (const { component, pointer } of screenComponents(screen, screenIndex)) {
    const valueType = inputValueType(component);
    if (valueType && typeof component.name === 'string' && !inputs.has(component.name)) inputs.set(component.name, { component, valueType, pointer });
  }
  return inputs;
}

/** `${data.x}`, `${form.x}`, `${screen.S.form.x}`… inside a string. */
export const EXPRESSION = /\$\{([^}]*)\}/g;
