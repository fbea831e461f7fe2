// If (4.0+): `then` when the condition holds, else `else`.
import { html } from 'htm/preact';
import { flag } from '../expressions.js';
import type { Component } from '../flow-json-types.js';
import type { Renderer } from './context.js';

export const renderIf: Renderer = (component, context, drawChildren) => {
  const branch = flag(component.condition, context.scope, false) ? component.then : component.else;
  return html`<div class="c-group">${drawChildren((branch as Component[] | undefined) ?? [], context)}</div>`;
};
