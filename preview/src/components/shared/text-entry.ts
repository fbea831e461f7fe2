// TextInput and TextArea: a labelled text control with its limits, counter and helper text.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { flag, resolve } from '../../expressions.js';
import type { Component } from '../../flow-json-types.js';
import type { RenderContext } from '../context.js';
import { field, optionalMark } from './field.js';
import { str, text } from './values.js';

/** What the phone uses when a Flow JSON gives no limit. */
export const DEFAULT_MAX = { TextInput: 80, TextArea: 600 } as const;

const HTML_TYPES: Record<string, string> = { number: 'text', email: 'email', password: 'password', passcode: 'password', phone: 'tel' };

export function textEntry(component: Component, context: RenderContext, multiline: boolean): VNode {
  const { scope } = context;
  const name = typeof component.name === 'string' ? component.name : '';
  const value = str(scope.form[name]);
  const label = text(component.label, scope);
  const required = flag(component.required, scope, false);
  const given = resolve(component[multiline ? 'max-length' : 'max-chars'], scope);
  const max = given === undefined ? undefined : Number(given);
  const inputType = text(component['input-type'], scope) || 'text';
  const common = {
    name,
    disabled: !flag(component.enabled, scope, true),
    value,
    maxLength: max ?? DEFAULT_MAX[multiline ? 'TextArea' : 'TextInput'],
    'aria-label': label,
    onInput: (event: Event) => context.setField(name, (event.target as HTMLInputElement).value, component),
    onBlur: () => context.touch(name),
  };
  const control = multiline
    ? html`<textarea class="c-input" rows="3" ...${common}></textarea>`
    : html`<input
        class="c-input"
        type=${HTML_TYPES[inputType] ?? 'text'}
        inputmode=${inputType === 'number' || inputType === 'passcode' ? 'numeric' : undefined}
        ...${common}
      />`;
  const counter = max !== undefined ? html`<span class="c-counter">${value.length}/${max}</span>` : null;
  const large = component['label-variant'] === 'large';
  return field(
    name,
    html`${large ? html`<span class="c-label-large">${label}</span>` : label}${optionalMark(required)}${counter}`,
    control,
    context,
    resolve(component['helper-text'], scope),
  );
}
