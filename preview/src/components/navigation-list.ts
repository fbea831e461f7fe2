// NavigationList (6.2+): a list of rich items (start image, main content, end content, a badge, up
// to three tags) that each run an action (navigate or data_exchange), the item's own or the list's.
// media-size "large" draws bigger start images.
import { html } from 'htm/preact';
import { resolve } from '../expressions.js';
import type { FlowAction, NavigationItem } from '../flow-json-types.js';
import type { Renderer } from './context.js';
import { imageSource, str, text } from './shared/values.js';

export const renderNavigationList: Renderer = (component, context) => {
  const { scope } = context;
  const resolved = resolve(component['list-items'], scope);
  const items = (Array.isArray(resolved) ? resolved : []).filter((item): item is NavigationItem => Boolean(item && typeof item === 'object'));
  const listAction = component['on-click-action'] as FlowAction | undefined;
  const large = resolve(component['media-size'], scope) === 'large';
  return html`<div class=${`c-navlist${large ? ' large' : ''}`} data-field=${str(component.name)}>
    ${component.label ? html`<div class="c-label">${text(component.label, scope)}</div>` : null}
    ${component.description ? html`<div class="c-helper">${text(component.description, scope)}</div>` : null}
    ${items.map((item) => {
      const main = item['main-content'] ?? { title: '' };
      const end = item.end;
      const action = item['on-click-action'] ?? listAction;
      return html`<button type="button" class="c-navitem" data-id=${str(item.id)} onClick=${() => action && context.act(action)}>
        ${item.start?.image ? html`<img class="c-navimage" src=${imageSource(item.start.image)} alt=${str(item.start['alt-text'])} />` : null}
        <span class="c-navmain"
          ><span class="c-option-title">${str(main.title)}</span>
          ${main.description ? html`<span class="c-option-description">${str(main.description)}</span>` : null}
          ${main.metadata ? html`<span class="c-option-metadata">${str(main.metadata)}</span>` : null}
          ${
            item.tags?.length
              ? html`<span class="c-tags">${item.tags.slice(0, 3).map((tag) => html`<span class="c-tag">${str(tag)}</span>`)}</span>`
              : null
          }</span
        >
        ${item.badge ? html`<span class="c-badge">${str(item.badge)}</span>` : null}
        ${
          end && (end.title || end.description || end.metadata)
            ? html`<span class="c-navend"
                >${end.title ? html`<span class="c-navend-title">${str(end.title)}</span>` : null}
                ${end.description ? html`<span class="c-option-description">${str(end.description)}</span>` : null}
                ${end.metadata ? html`<span class="c-option-metadata">${str(end.metadata)}</span>` : null}</span
              >`
            : null
        }
        <span class="c-chevron">›</span>
      </button>`;
    })}
  </div>`;
};
