// Dropdown: one choice from `data-source` (up to 200 options).
import { html } from 'htm/preact';
import { flag } from '../expressions.js';
import type { Renderer } from './context.js';
import { field } from './shared/field.js';
import { fireSelection } from './shared/selection.js';
import { options, str, text } from './shared/values.js';

export const renderDropdown: Renderer = (component, context) => {
  const { scope } = context;
  const name = String(component.name ?? '');
  const label = text(component.label, scope);
  const list = options(component, scope);
  const control = html`<select
    class="c-input"
    name=${name}
    disabled=${!flag(component.enabled, scope, true)}
    value=${str(scope.form[name])}
    aria-label=${label}
    onChange=${(event: Event) => {
      const previous = list.find((option) => option.id === scope.form[name]);
      const chosen = (event.target as HTMLSelectElement).value;
      context.setField(name, chosen, component);
      context.touch(name);
      if (previous?.['on-unselect-action']) context.act(previous['on-unselect-action']);
      fireSelection(
        component,
        context,
        list.find((option) => option.id === chosen),
        true,
      );
    }}
  >
    <option value="" disabled=${flag(component.required, scope, false)}>Select…</option>
    ${list.map(
      (option) =>
        html`<option value=${option.id} disabled=${option.enabled === false}>
          ${option.title}${option.description ? ` · ${option.description}` : ''}
        </option>`,
    )}
  </select>`;
  return field(name, label, control, context);
};
