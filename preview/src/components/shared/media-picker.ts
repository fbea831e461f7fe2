// PhotoPicker and DocumentPicker: the files picked go to the preview server, which encrypts them
// and serves them from its HTTPS CDN as WhatsApp's does; the field then holds the media objects.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { flag, resolve } from '../../expressions.js';
import type { Component } from '../../flow-json-types.js';
import type { RenderContext } from '../context.js';
import { field } from './field.js';
import { text } from './values.js';

export function mediaPicker(component: Component, context: RenderContext, photo: boolean): VNode {
  const { scope } = context;
  const name = String(component.name ?? '');
  const value = scope.form[name];
  const max = Number(resolve(component[photo ? 'max-uploaded-photos' : 'max-uploaded-documents'], scope) ?? 30);
  const mimeTypes = resolve(component['allowed-mime-types'], scope);
  const accept = photo ? 'image/*' : (Array.isArray(mimeTypes) ? mimeTypes.join(',') : '') || undefined;
  const picked = (Array.isArray(value) ? value : []) as Array<{ file_name?: string }>;
  const control = html`<div class="c-picker">
    <input
      type="file"
      name=${name}
      accept=${accept}
      multiple=${max > 1}
      disabled=${!flag(component.enabled, scope, true)}
      onChange=${(event: Event) => {
        const files = [...((event.target as HTMLInputElement).files ?? [])].slice(0, max);
        if (context.pickFiles) context.pickFiles(name, files, component);
        else
          context.setField(
            name,
            files.map((file) => ({ file_name: file.name })),
            component,
          );
        context.touch(name);
      }}
    />
    ${
      picked.length
        ? html`<ul class="c-picked">
            ${picked.map((file) => html`<li>${file.file_name}</li>`)}
          </ul>`
        : null
    }
  </div>`;
  return field(name, text(component.label, scope), control, context, resolve(component.description, scope));
}
