// Footer: the screen's button, disabled until every shown input is valid; captions left and
// right, or centred.
import { html } from 'htm/preact';
import { flag } from '../expressions.js';
import type { FlowAction } from '../flow-json-types.js';
import type { Renderer } from './context.js';
import { text } from './shared/values.js';

export const renderFooter: Renderer = (component, context) => {
  const { scope } = context;
  const action = component['on-click-action'] as FlowAction | undefined;
  const caption = (side: string) =>
    component[`${side}-caption`] ? html`<span class=${`c-caption-${side}`}>${text(component[`${side}-caption`], scope)}</span>` : null;
  const captions = component['left-caption'] || component['right-caption'] || component['center-caption'];
  return html`<div class="c-footer">
    ${captions ? html`<div class="c-footer-captions">${caption('left')}${caption('center')}${caption('right')}</div>` : null}
    <button
      type="button"
      class="c-footer-button"
      disabled=${!flag(component.enabled, scope, true) || !context.canSubmit}
      onClick=${() => action && context.act(action)}
    >
      ${text(component.label, scope)}
    </button>
  </div>`;
};
