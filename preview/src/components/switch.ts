// Switch (4.0+): the case named by `value`, nothing when no case matches.
import { html } from 'htm/preact';
import type { Component } from '../flow-json-types.js';
import type { Renderer } from './context.js';
import { text } from './shared/values.js';

export const renderSwitch: Renderer = (component, context, drawChildren) => {
  const cases = (component.cases ?? {}) as Record<string, Component[]>;
  return html`<div class="c-group">${drawChildren(cases[text(component.value, context.scope)] ?? [], context)}</div>`;
};
