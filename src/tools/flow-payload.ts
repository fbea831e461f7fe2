import { inputValueType, screenComponents, type FlowJsonScreen, type JsonObject } from '../flow-json/index.js';

export interface FormField {
  name: string;
  label: string;
  type: string;
  required: boolean;
  /** For Dropdown, RadioButtonsGroup, CheckboxGroup: the `${data.x}` expression of the options. */
  dataSource?: string;
}

export interface ScreenAction {
  name: 'data_exchange' | 'navigate' | 'complete' | string;
  payload: Record<string, unknown>;
  next?: { type: string; name: string };
}

interface Component {
  type?: string;
  name?: string;
  label?: unknown;
  required?: unknown;
  'data-source'?: unknown;
  'on-click-action'?: ScreenAction;
}

/** Every component of the screen, If/Switch branches and Form children included (the checker's walk). */
function components(screen: FlowJsonScreen): Component[] {
  return screenComponents(screen as unknown as JsonObject, 0).map(({ component }) => component as Component);
}

/** The form fields a screen declares, in layout order. */
export function formFields(screen: FlowJsonScreen): FormField[] {
  return components(screen)
    .filter((component) => inputValueType(component as JsonObject) !== undefined && typeof component.name === 'string')
    .map((component) => ({
      name: component.name!,
      label: typeof component.label === 'string' ? component.label : component.name!,
      type: component.type!,
      required: component.required === true,
      dataSource: typeof component['data-source'] === 'string' ? component['data-source'] : undefined,
    }));
}

/** The screen's Footer action (what its main button does). */
export function footerAction(screen: FlowJsonScreen): ScreenAction | undefined {
  return components(screen).find((component) => component.type === 'Footer' && component['on-click-action'])?.['on-click-action'];
}

const WHOLE = /^\$\{(form|data)\.([A-Za-z0-9_]+)\}$/;
const PART = /\$\{(form|data)\.([A-Za-z0-9_]+)\}/g;

/**
 * Resolves an action payload as the client does: `${form.x}` from the user's input, `${data.x}` from
 * the screen's data. A value that is a single expression keeps its type.
 */
export function resolvePayload(
  payload: Record<string, unknown>,
  form: Record<string, unknown>,
  data: Record<string, unknown>,
): Record<string, unknown> {
  const lookup = (scope: string, key: string) => (scope === 'form' ? form[key] : data[key]);
  const resolve = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const whole = WHOLE.exec(value);
      if (whole) return lookup(whole[1], whole[2]) ?? '';
      return value.replace(PART, (_, scope: string, key: string) => String(lookup(scope, key) ?? ''));
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    return value;
  };
  return resolve(payload) as Record<string, unknown>;
}
