// The four basic text components: one element, with font-weight, strikethrough and (5.1+) markdown.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { resolve } from '../../expressions.js';
import type { Component } from '../../flow-json-types.js';
import { blocks, inline } from '../../markdown.js';
import type { RenderContext } from '../context.js';
import { str } from './values.js';

export function textBlock(component: Component, context: RenderContext, tag: 'h2' | 'h3' | 'p', className: string): VNode {
  const value = resolve(component.text, context.scope);
  const content = str(value);
  const weight = str(resolve(component['font-weight'], context.scope));
  const classes = [className, weight ? `fw-${weight}` : '', resolve(component.strikethrough, context.scope) === true ? 'strike' : '']
    .filter(Boolean)
    .join(' ');
  if (component.markdown === true && tag === 'p' && (Array.isArray(value) || content.includes('\n'))) {
    // Several lines of markdown: paragraphs and lists inside one block.
    return html`<div class=${`${classes} c-markdown`}>${blocks(Array.isArray(value) ? value.map(str) : content)}</div>`;
  }
  const body = component.markdown === true ? inline(content) : content;
  if (tag === 'h2') return html`<h2 class=${classes}>${body}</h2>`;
  if (tag === 'h3') return html`<h3 class=${classes}>${body}</h3>`;
  return html`<p class=${classes}>${body}</p>`;
}
