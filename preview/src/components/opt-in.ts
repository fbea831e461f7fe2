// OptIn: one checkbox (up to 5 a screen). on-click-action adds the "Read more" link; checking and
// unchecking fire on-select-action and on-unselect-action (update_data, 6.0+).
import { html } from 'htm/preact';
import { flag } from '../expressions.js';
import type { FlowAction } from '../flow-json-types.js';
import type { Renderer } from './context.js';
import { optionalMark } from './shared/field.js';
import { fireSelection } from './shared/selection.js';
import { text } from './shared/values.js';

export const renderOptIn: Renderer = (component, context) => {
  const { scope } = context;
  const name = String(component.name ?? '');
  const action = component['on-click-action'] as FlowAction | undefined;
  const error = context.errors[name];
  return html`<div class=${`c-field c-optin${error ? ' has-error' : ''}`} data-field=${name}>
    <label class="c-option"
      ><input
        type="checkbox"
        name=${name}
        checked=${scope.form[name] === true}
        disabled=${!flag(component.enabled, scope, true)}
        onChange=${(event: Event) => {
          const on = (event.target as HTMLInputElement).checked;
          context.setField(name, on, component);
          context.touch(name);
          fireSelection(component, context, undefined, on);
        }}
      />
      <span>${text(component.label, scope)}${optionalMark(flag(component.required, scope, false))}</span></label
    >
    ${
      action
        ? html`<a
            href="#"
            class="c-link"
            onClick=${(event: Event) => {
              event.preventDefault();
              context.act(action);
            }}
            >Read more</a
          >`
        : null
    }
    ${error ? html`<div class="c-error" role="alert">${error}</div>` : null}
  </div>`;
};
