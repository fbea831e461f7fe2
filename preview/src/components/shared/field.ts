// The frame of an input: its label, the control, then its error or its helper text.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { str } from './values.js';
import type { RenderContext } from '../context.js';

export function field(name: string, label: VNode | string, control: VNode, context: RenderContext, helper?: unknown): VNode {
  const error = context.errors[name];
  return html`<div class=${`c-field${error ? ' has-error' : ''}`} data-field=${name}>
    ${label ? html`<label class="c-label">${label}</label>` : null} ${control}
    ${error ? html`<div class="c-error" role="alert">${error}</div>` : helper ? html`<div class="c-helper">${str(helper)}</div>` : null}
  </div>`;
}

/** "(optional)" after the label of an input that is not required, as the phone marks it. */
export function optionalMark(required: boolean): VNode | null {
  return required ? null : html` <span class="c-optional">(optional)</span>`;
}
