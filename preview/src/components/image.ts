// Image: base64 PNG or JPEG, with width, height, aspect-ratio and scale-type (contain by default).
import { html } from 'htm/preact';
import { resolve } from '../expressions.js';
import type { Renderer } from './context.js';
import { imageSource, text } from './shared/values.js';

export const renderImage: Renderer = (component, { scope }) => {
  const number = (key: string) => (component[key] !== undefined ? Number(resolve(component[key], scope)) : undefined);
  const ratio = number('aspect-ratio');
  const width = number('width');
  const height = number('height');
  const style = [
    width !== undefined ? `width:${width}px` : 'width:100%',
    height !== undefined ? `height:${height}px` : '',
    ratio ? `aspect-ratio:${ratio}` : '',
    `object-fit:${resolve(component['scale-type'], scope) === 'cover' ? 'cover' : 'contain'}`,
  ]
    .filter(Boolean)
    .join(';');
  return html`<img class="c-image" src=${imageSource(resolve(component.src, scope))} alt=${text(component['alt-text'], scope)} style=${style} />`;
};
