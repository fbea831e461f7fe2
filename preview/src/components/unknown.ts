// A component the preview cannot draw: a visible placeholder naming it, never a blank.
import { html } from 'htm/preact';
import type { Renderer } from './context.js';

export const renderUnknown: Renderer = (component) =>
  html`<div class="c-unknown" role="note" data-component=${String(component.type)}>
    <strong>${String(component.type ?? 'A component without a type')}</strong> — the preview cannot draw this component yet
  </div>`;
