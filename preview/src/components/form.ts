// Form: a group of inputs (optional from 4.0); its init-values and error-messages are read by
// screen-state.ts.
import { html } from 'htm/preact';
import type { Component } from '../flow-json-types.js';
import type { Renderer } from './context.js';

export const renderForm: Renderer = (component, context, drawChildren) =>
  html`<div class="c-group">${drawChildren((component.children as Component[] | undefined) ?? [], context)}</div>`;
