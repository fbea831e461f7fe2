// EmbeddedLink: a link that runs its on-click-action (up to 2 a screen).
import { html } from 'htm/preact';
import type { FlowAction } from '../flow-json-types.js';
import type { Renderer } from './context.js';
import { text } from './shared/values.js';

export const renderEmbeddedLink: Renderer = (component, context) =>
  html`<a
    href="#"
    class="c-link c-embedded-link"
    onClick=${(event: Event) => {
      event.preventDefault();
      if (component['on-click-action']) context.act(component['on-click-action'] as FlowAction);
    }}
    >${text(component.text, context.scope)}</a
  >`;
