// ChipsSelector (6.3+): several choices drawn as chips; once max-selected-items are chosen the
// others cannot be picked. Selecting fires on-select-action (data_exchange or update_data);
// unselecting fires on-unselect-action (update_data) when given, else on-select-action.
import { html } from 'htm/preact';
import { flag, resolve } from '../expressions.js';
import type { Renderer } from './context.js';
import { field } from './shared/field.js';
import { fireSelection } from './shared/selection.js';
import { options, text } from './shared/values.js';

export const renderChipsSelector: Renderer = (component, context) => {
  const { scope } = context;
  const name = String(component.name ?? '');
  const value = scope.form[name];
  const label = text(component.label, scope);
  const enabled = flag(component.enabled, scope, true);
  const chosen = (Array.isArray(value) ? value : []) as string[];
  const limit = resolve(component['max-selected-items'], scope);
  const max = limit === undefined ? Infinity : Number(limit);
  const control = html`<div class="c-chips" role="group" aria-label=${label}>
    ${options(component, scope).map((option) => {
      const on = chosen.includes(option.id);
      return html`<button
        type="button"
        class=${`c-chip${on ? ' on' : ''}`}
        aria-pressed=${on}
        data-id=${option.id}
        disabled=${!enabled || option.enabled === false || (!on && chosen.length >= max)}
        onClick=${() => {
          const next = on ? chosen.filter((id) => id !== option.id) : [...chosen, option.id];
          context.setField(name, next, component);
          context.touch(name);
          fireSelection(component, context, option, !on);
        }}
      >
        ${on ? '✓ ' : ''}${option.title}
      </button>`;
    })}
  </div>`;
  return field(name, label, control, context, resolve(component.description, scope));
};
