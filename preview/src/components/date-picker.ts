// DatePicker: one date in the phone's native picker ("YYYY-MM-DD" from 5.0; min-date and max-date
// may be timestamps in milliseconds before). A date in unavailable-dates leaves the field empty,
// as the phone greys it out.
import { html } from 'htm/preact';
import { flag, resolve } from '../expressions.js';
import type { FlowAction } from '../flow-json-types.js';
import type { Renderer } from './context.js';
import { field } from './shared/field.js';
import { dateSetting, list, str, text } from './shared/values.js';

export const renderDatePicker: Renderer = (component, context) => {
  const { scope } = context;
  const name = String(component.name ?? '');
  const label = text(component.label, scope);
  const unavailable = list(component['unavailable-dates'], scope) ?? [];
  const control = html`<input
    class="c-input"
    type="date"
    name=${name}
    min=${dateSetting(component['min-date'], scope)}
    max=${dateSetting(component['max-date'], scope)}
    disabled=${!flag(component.enabled, scope, true)}
    value=${str(scope.form[name])}
    aria-label=${label}
    onChange=${(event: Event) => {
      const chosen = (event.target as HTMLInputElement).value;
      if (unavailable.includes(chosen)) {
        context.setField(name, '', component);
        return;
      }
      context.setField(name, chosen, component);
      context.touch(name);
      const action = component['on-select-action'] as FlowAction | undefined;
      if (action) context.act(action);
    }}
  />`;
  return field(name, label, control, context, resolve(component['helper-text'], scope));
};
