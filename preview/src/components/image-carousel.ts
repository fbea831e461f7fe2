// ImageCarousel (7.1+): one to three images shown one at a time, moved with the arrows or the dots;
// aspect-ratio "4:3" (default) or "16:9", scale-type contain (default) or cover.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { resolve } from '../expressions.js';
import type { CarouselImage } from '../flow-json-types.js';
import type { Renderer } from './context.js';
import { imageSource, str } from './shared/values.js';

interface CarouselProps {
  images: CarouselImage[];
  ratio: string;
  fit: 'cover' | 'contain';
}

function Carousel({ images, ratio, fit }: CarouselProps): VNode {
  const [shown, setShown] = useState(0);
  const current = Math.min(shown, Math.max(images.length - 1, 0));
  const go = (by: number) => setShown((current + by + images.length) % images.length);
  return html`<div class="c-carousel" role="group" aria-roledescription="carousel" data-shown=${current}>
    <div class="c-carousel-frame" style=${`aspect-ratio:${ratio}`}>
      ${images.map(
        (image, index) =>
          html`<img
            class="c-carousel-image"
            src=${imageSource(image.src)}
            alt=${str(image['alt-text'])}
            hidden=${index !== current}
            aria-hidden=${index !== current}
            style=${`object-fit:${fit}`}
          />`,
      )}
      ${
        images.length > 1
          ? html`<button type="button" class="c-carousel-nav prev" aria-label="Previous image" onClick=${() => go(-1)}>‹</button>
              <button type="button" class="c-carousel-nav next" aria-label="Next image" onClick=${() => go(1)}>›</button>`
          : null
      }
    </div>
    ${
      images.length > 1
        ? html`<div class="c-carousel-dots">
            ${images.map(
              (image, index) =>
                html`<button
                  type="button"
                  class=${`c-carousel-dot${index === current ? ' on' : ''}`}
                  aria-label=${`Image ${index + 1}: ${str(image['alt-text'])}`}
                  aria-pressed=${index === current}
                  onClick=${() => setShown(index)}
                ></button>`,
            )}
          </div>`
        : null
    }
  </div>`;
}

export const renderImageCarousel: Renderer = (component, { scope }) => {
  const images = resolve(component.images, scope);
  const list = (Array.isArray(images) ? images : []).filter((image): image is CarouselImage => Boolean(image && typeof image === 'object'));
  const ratio = str(resolve(component['aspect-ratio'], scope) ?? '4:3') === '16:9' ? '16/9' : '4/3';
  const fit = resolve(component['scale-type'], scope) === 'cover' ? 'cover' : 'contain';
  return html`<${Carousel} images=${list} ratio=${ratio} fit=${fit} />`;
};
