// RadioButtonsGroup and CheckboxGroup: a list of options, each with its title, description,
// metadata and (5.0+) image.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { flag, resolve } from '../../expressions.js';
import type { Component } from '../../flow-json-types.js';
import type { RenderContext } from '../context.js';
import { field } from './field.js';
import { fireSelection } from './selection.js';
import { imageSource, options, str, text } from './values.js';

export function optionList(component: Component, context: RenderContext, multiple: boolean): VNode {
  const { scope } = context;
  const name = String(component.name ?? '');
  const value = scope.form[name];
  const label = text(component.label, scope);
  const enabled = flag(component.enabled, scope, true);
  const chosen = multiple ? ((Array.isArray(value) ? value : []) as string[]) : [str(value)];
  const large = resolve(component['media-size'], scope) === 'large';
  const control = html`<div class="c-options" role=${multiple ? 'group' : 'radiogroup'} aria-label=${label}>
    ${component.description ? html`<div class="c-helper">${text(component.description, scope)}</div>` : null}
    ${options(component, scope).map(
      (option) =>
        html`<label class=${`c-option${option.enabled === false ? ' disabled' : ''}`}>
          ${option.image ? html`<img class=${`c-option-image${large ? ' large' : ''}`} src=${imageSource(option.image)} alt=${option['alt-text'] ?? ''} />` : null}
          <span class="c-option-text"
            ><span class="c-option-title">${option.title}</span>
            ${option.description ? html`<span class="c-option-description">${option.description}</span>` : null}
            ${option.metadata ? html`<span class="c-option-metadata">${option.metadata}</span>` : null}</span
          >
          <input
            type=${multiple ? 'checkbox' : 'radio'}
            name=${name}
            value=${option.id}
            checked=${chosen.includes(option.id)}
            disabled=${!enabled || option.enabled === false}
            onChange=${(event: Event) => {
              const on = (event.target as HTMLInputElement).checked;
              const next = multiple ? (on ? [...chosen, option.id] : chosen.filter((id) => id !== option.id)) : option.id;
              context.setField(name, next, component);
              context.touch(name);
              fireSelection(component, context, option, on);
            }}
          />
        </label>`,
    )}
  </div>`;
  return field(name, label, control, context);
}
