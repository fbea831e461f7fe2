// The response summary: after completing a flow the user can open what they answered, screen by
// screen. Fields a screen lists in `sensitive` (5.1+) are masked there, as Meta's table says: text,
// dates and choices show as dots, passwords and passcodes are left out, picked photos and documents
// are hidden, an OptIn shows as it is. What the business receives (the params) is not masked.
import { resolve, type Scope, type Values } from './expressions.js';
import type { Component, DataSourceOption, Screen } from './flow-json-types.js';
import { visibleInputs, children } from './screen-state.js';
import { isEmpty } from './validation.js';

export const MASK = '••••••••••••';

export interface SummaryRow {
  screen: string;
  name: string;
  label: string;
  /** What the user sees; '' when the value is hidden. */
  value: string;
  /** masked: shown as dots; hidden: the value is not shown at all. */
  privacy?: 'masked' | 'hidden';
}

/** One screen the user went through, with what it showed and what they entered. */
export interface Visited {
  id: string;
  data: Values;
  form: Values;
}

function optionTitles(component: Component, ids: unknown[], scope: Scope): string {
  const list = resolve(component['data-source'], scope);
  const titles = new Map((Array.isArray(list) ? (list as DataSourceOption[]) : []).map((option) => [option?.id, option?.title]));
  return ids.map((id) => titles.get(String(id)) ?? String(id)).join(', ');
}

function label(component: Component, scope: Scope): string {
  const given = resolve(component.label, scope);
  if (given && typeof given === 'object') {
    // A CalendarPicker in range mode: its title, else its two labels.
    const title = resolve(component.title, scope);
    return typeof title === 'string' && title ? title : Object.values(given).map(String).join(' – ');
  }
  return typeof given === 'string' && given ? given : String(component.name);
}

function shown(component: Component, value: unknown, scope: Scope): string {
  switch (component.type) {
    case 'Dropdown':
    case 'RadioButtonsGroup':
      return optionTitles(component, [value], scope);
    case 'CheckboxGroup':
    case 'ChipsSelector':
      return optionTitles(component, Array.isArray(value) ? value : [value], scope);
    case 'CalendarPicker':
      if (value && typeof value === 'object') {
        const range = value as Values;
        return [range['start-date'], range['end-date']].filter(Boolean).map(String).join(' – ');
      }
      return String(value);
    case 'OptIn':
      return value === true ? 'Yes' : 'No';
    case 'PhotoPicker':
    case 'DocumentPicker':
      return (Array.isArray(value) ? value : []).map((file) => String((file as { file_name?: unknown })?.file_name ?? 'file')).join(', ');
    default:
      return Array.isArray(value) ? value.map(String).join(', ') : String(value);
  }
}

function row(screen: Screen, component: Component, value: unknown, scope: Scope): SummaryRow | undefined {
  const name = String(component.name);
  const base = { screen: screen.id, name, label: label(component, scope) };
  if (!screen.sensitive?.includes(name) || component.type === 'OptIn') return { ...base, value: shown(component, value, scope) };
  const secret = component.type === 'TextInput' && ['password', 'passcode'].includes(String(resolve(component['input-type'], scope)));
  if (secret) return undefined;
  if (component.type === 'PhotoPicker' || component.type === 'DocumentPicker') return { ...base, value: '', privacy: 'hidden' };
  return { ...base, value: MASK, privacy: 'masked' };
}

/** The rows of the summary: every input the user saw and filled, screen after screen. */
export function responseSummary(visited: Visited[], screens: ReadonlyMap<string, Screen>): SummaryRow[] {
  const all = Object.fromEntries(visited.map((entry) => [entry.id, { data: entry.data, form: entry.form }]));
  const rows: SummaryRow[] = [];
  for (const entry of visited) {
    const screen = screens.get(entry.id);
    if (!screen) continue;
    const scope: Scope = { data: entry.data, form: entry.form, screens: all };
    for (const input of visibleInputs(children(screen), scope)) {
      const value = entry.form[input.name as string];
      if (isEmpty(value) && input.type !== 'OptIn') continue;
      if (input.type === 'OptIn' && value === undefined) continue;
      const line = row(screen, input, value, scope);
      if (line) rows.push(line);
    }
  }
  return rows;
}
