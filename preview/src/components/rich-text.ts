// RichText (5.1+): long texts such as terms, in the markdown subset with headings, tables and
// inline images; `text` is a string or an array of strings (one paragraph each).
import { html } from 'htm/preact';
import { resolve } from '../expressions.js';
import { blocks } from '../markdown.js';
import type { Renderer } from './context.js';
import { str } from './shared/values.js';

export const renderRichText: Renderer = (component, { scope }) => {
  const value = resolve(component.text, scope);
  return html`<div class="c-richtext">${blocks(Array.isArray(value) ? value.map(str) : str(value), { rich: true })}</div>`;
};
