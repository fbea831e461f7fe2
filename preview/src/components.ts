// Draws Flow JSON components as the WhatsApp client lays them out. A component it cannot draw is a
// visible placeholder naming it.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { flag, resolve, type Scope, type Values } from './expressions.js';
import { blocks, inline } from './markdown.js';
import type { Component, FlowAction } from './types.js';

export interface RenderContext {
  scope: Scope;
  /** Errors shown under fields, by field name. */
  errors: Record<string, string | undefined>;
  setField(name: string, value: unknown, component: Component): void;
  touch(name: string): void;
  act(action: FlowAction): void;
  /** Whether the Footer can be pressed (every required field filled, nothing invalid). */
  canSubmit: boolean;
  /** Files picked for PhotoPicker/DocumentPicker fields. */
  pickFiles?(name: string, files: File[], component: Component): void;
}

interface Option {
  id: string;
  title: string;
  description?: string;
  metadata?: string;
  enabled?: boolean;
}

function str(value: unknown): string {
  if (value === undefined || value === null) return '';
  return Array.isArray(value) ? value.join('\n') : String(value);
}

function options(component: Component, scope: Scope): Option[] {
  const list = resolve(component['data-source'], scope);
  return Array.isArray(list) ? (list as Option[]).filter((option) => option && typeof option === 'object') : [];
}

function imageSource(src: unknown): string {
  const value = str(src);
  if (/^(data:|https?:)/.test(value)) return value;
  return `data:${value.startsWith('/9j/') ? 'image/jpeg' : 'image/png'};base64,${value}`;
}

function field(name: string, label: VNode | string, control: VNode, context: RenderContext, helper?: unknown): VNode {
  const error = context.errors[name];
  return html`<div class=${`c-field${error ? ' has-error' : ''}`} data-field=${name}>
    ${label ? html`<label class="c-label">${label}</label>` : null} ${control}
    ${error ? html`<div class="c-error" role="alert">${error}</div>` : helper ? html`<div class="c-helper">${str(helper)}</div>` : null}
  </div>`;
}

function select(component: Component, context: RenderContext, value: unknown): void {
  const action = component['on-select-action'] as FlowAction | undefined;
  if (action) context.act(action);
  else if (!value && component['on-unselect-action']) context.act(component['on-unselect-action'] as FlowAction);
}

function text(component: Component, scope: Scope, tag: 'h2' | 'h3' | 'p', className: string): VNode {
  const content = str(resolve(component.text, scope));
  const weight = component['font-weight'] as string | undefined;
  const classes = [className, weight ? `fw-${weight}` : '', component.strikethrough === true ? 'strike' : ''].filter(Boolean).join(' ');
  const body = component.markdown === true ? inline(content) : content;
  if (tag === 'h2') return html`<h2 class=${classes}>${body}</h2>`;
  if (tag === 'h3') return html`<h3 class=${classes}>${body}</h3>`;
  return html`<p class=${classes}>${body}</p>`;
}

export function renderComponent(component: Component, context: RenderContext): VNode | null {
  const { scope } = context;
  if (!component || typeof component !== 'object') return null;
  if (!flag(component.visible, scope, true)) return null;
  const name = typeof component.name === 'string' ? component.name : '';
  const value = name ? scope.form[name] : undefined;
  const enabled = flag(component.enabled, scope, true);
  const required = flag(component.required, scope, false);
  const label = (text: unknown) => str(resolve(text, scope));

  switch (component.type) {
    case 'TextHeading':
      return text(component, scope, 'h2', 'c-heading');
    case 'TextSubheading':
      return text(component, scope, 'h3', 'c-subheading');
    case 'TextBody':
      return text(component, scope, 'p', 'c-body');
    case 'TextCaption':
      return text(component, scope, 'p', 'c-caption');
    case 'RichText':
      return html`<div class="c-richtext">${blocks(str(resolve(component.text, scope)))}</div>`;

    case 'TextInput':
    case 'TextArea': {
      const inputType = str(component['input-type']) || 'text';
      const htmlType =
        ({ number: 'text', email: 'email', password: 'password', passcode: 'password', phone: 'tel' } as Record<string, string>)[inputType] ?? 'text';
      const max = component['max-chars'] ?? component['max-length'];
      const common = {
        name,
        disabled: !enabled,
        value: str(value),
        maxLength: max === undefined ? undefined : Number(max),
        'aria-label': label(component.label),
        onInput: (event: Event) => context.setField(name, (event.target as HTMLInputElement).value, component),
        onBlur: () => context.touch(name),
      };
      const control =
        component.type === 'TextArea'
          ? html`<textarea class="c-input" rows="3" ...${common}></textarea>`
          : html`<input
              class="c-input"
              type=${htmlType}
              inputmode=${inputType === 'number' || inputType === 'passcode' ? 'numeric' : undefined}
              ...${common}
            />`;
      const counter = max !== undefined ? html`<span class="c-counter">${str(value).length}/${str(max)}</span>` : null;
      return field(
        name,
        html`${label(component.label)}${required ? null : html` <span class="c-optional">(optional)</span>`}${counter}`,
        control,
        context,
        resolve(component['helper-text'], scope),
      );
    }

    case 'Dropdown': {
      const list = options(component, scope);
      const control = html`<select
        class="c-input"
        name=${name}
        disabled=${!enabled}
        value=${str(value)}
        aria-label=${label(component.label)}
        onChange=${(event: Event) => {
          const chosen = (event.target as HTMLSelectElement).value;
          context.setField(name, chosen, component);
          context.touch(name);
          select(component, context, chosen);
        }}
      >
        <option value="" disabled=${required}>Select…</option>
        ${list.map((option) => html`<option value=${option.id} disabled=${option.enabled === false}>${option.title}${option.description ? ` · ${option.description}` : ''}</option>`)}
      </select>`;
      return field(name, label(component.label), control, context);
    }

    case 'RadioButtonsGroup':
    case 'CheckboxGroup': {
      const multiple = component.type === 'CheckboxGroup';
      const chosen = multiple ? ((Array.isArray(value) ? value : []) as string[]) : [str(value)];
      const control = html`<div class="c-options" role=${multiple ? 'group' : 'radiogroup'} aria-label=${label(component.label)}>
        ${component.description ? html`<div class="c-helper">${str(resolve(component.description, scope))}</div>` : null}
        ${options(component, scope).map(
          (option) =>
            html`<label class=${`c-option${option.enabled === false ? ' disabled' : ''}`}>
              <span class="c-option-text"
                ><span class="c-option-title">${option.title}</span>
                ${option.description ? html`<span class="c-option-description">${option.description}</span>` : null}
                ${option.metadata ? html`<span class="c-option-metadata">${option.metadata}</span>` : null}</span
              >
              <input
                type=${multiple ? 'checkbox' : 'radio'}
                name=${name}
                value=${option.id}
                checked=${chosen.includes(option.id)}
                disabled=${!enabled || option.enabled === false}
                onChange=${(event: Event) => {
                  const on = (event.target as HTMLInputElement).checked;
                  const next = multiple ? (on ? [...chosen, option.id] : chosen.filter((id) => id !== option.id)) : option.id;
                  context.setField(name, next, component);
                  context.touch(name);
                  select(component, context, on ? next : undefined);
                }}
              />
            </label>`,
        )}
      </div>`;
      return field(name, label(component.label), control, context);
    }

    case 'ChipsSelector': {
      const chosen = (Array.isArray(value) ? value : []) as string[];
      const max = Number(component['max-selected-items'] ?? Infinity);
      const control = html`<div class="c-chips" role="group" aria-label=${label(component.label)}>
        ${options(component, scope).map((option) => {
          const on = chosen.includes(option.id);
          return html`<button
            type="button"
            class=${`c-chip${on ? ' on' : ''}`}
            aria-pressed=${on}
            disabled=${!enabled || option.enabled === false || (!on && chosen.length >= max)}
            onClick=${() => {
              const next = on ? chosen.filter((id) => id !== option.id) : [...chosen, option.id];
              context.setField(name, next, component);
              context.touch(name);
              select(component, context, next);
            }}
          >
            ${option.title}
          </button>`;
        })}
      </div>`;
      return field(name, label(component.label), control, context, resolve(component.description, scope));
    }

    case 'DatePicker':
    case 'CalendarPicker': {
      const range = component.type === 'CalendarPicker' && component.mode === 'range';
      const bound = (date: unknown) => {
        const v = str(resolve(date, scope));
        return /^\d+$/.test(v) ? new Date(Number(v)).toISOString().slice(0, 10) : v || undefined;
      };
      const min = bound(component['min-date']);
      const max = bound(component['max-date']);
      const unavailable = (resolve(component['unavailable-dates'], scope) as string[] | undefined) ?? [];
      const rawLabel = resolve(component.label, scope);
      if (range) {
        const current = (value && typeof value === 'object' ? value : {}) as Values;
        const labels = (rawLabel && typeof rawLabel === 'object' ? rawLabel : { 'start-date': 'Start date', 'end-date': 'End date' }) as Values;
        const input = (part: 'start_date' | 'end_date', text: unknown) =>
          html`<label class="c-range-part"
            >${str(text)}<input
              class="c-input"
              type="date"
              name=${`${name}.${part}`}
              min=${min}
              max=${max}
              disabled=${!enabled}
              value=${str(current[part])}
              onChange=${(event: Event) => {
                const next = { ...current, [part]: (event.target as HTMLInputElement).value };
                context.setField(name, next, component);
                context.touch(name);
                select(component, context, next);
              }}
          /></label>`;
        return field(
          name,
          str(resolve(component.title, scope)),
          html`<div class="c-range">${input('start_date', labels['start-date'])}${input('end_date', labels['end-date'])}</div>`,
          context,
          resolve(component['helper-text'], scope),
        );
      }
      const control = html`<input
        class="c-input"
        type="date"
        name=${name}
        min=${min}
        max=${max}
        disabled=${!enabled}
        value=${str(value)}
        aria-label=${str(rawLabel)}
        onChange=${(event: Event) => {
          const chosen = (event.target as HTMLInputElement).value;
          // The phone greys out unavailable-dates: picking one here leaves the field empty.
          if (unavailable.includes(chosen)) {
            context.setField(name, '', component);
            return;
          }
          context.setField(name, chosen, component);
          context.touch(name);
          select(component, context, chosen);
        }}
      />`;
      return field(name, str(rawLabel), control, context, resolve(component['helper-text'], scope));
    }

    case 'OptIn': {
      const action = component['on-click-action'] as FlowAction | undefined;
      return html`<div class=${`c-field c-optin${context.errors[name] ? ' has-error' : ''}`} data-field=${name}>
        <label class="c-option"
          ><input
            type="checkbox"
            name=${name}
            checked=${value === true}
            disabled=${!enabled}
            onChange=${(event: Event) => {
              context.setField(name, (event.target as HTMLInputElement).checked, component);
              context.touch(name);
            }}
          />
          <span>${label(component.label)}${required ? null : html` <span class="c-optional">(optional)</span>`}</span></label
        >
        ${
          action
            ? html`<a
                href="#"
                class="c-link"
                onClick=${(event: Event) => {
                  event.preventDefault();
                  context.act(action);
                }}
                >Read more</a
              >`
            : null
        }
        ${context.errors[name] ? html`<div class="c-error" role="alert">${context.errors[name]}</div>` : null}
      </div>`;
    }

    case 'EmbeddedLink':
      return html`<a
        href="#"
        class="c-link c-embedded-link"
        onClick=${(event: Event) => {
          event.preventDefault();
          if (component['on-click-action']) context.act(component['on-click-action'] as FlowAction);
        }}
        >${str(resolve(component.text, scope))}</a
      >`;

    case 'Image': {
      const ratio = component['aspect-ratio'] !== undefined ? Number(resolve(component['aspect-ratio'], scope)) : undefined;
      const style = [
        component.width !== undefined ? `width:${Number(resolve(component.width, scope))}px` : 'width:100%',
        component.height !== undefined ? `height:${Number(resolve(component.height, scope))}px` : '',
        ratio ? `aspect-ratio:${ratio}` : '',
        `object-fit:${component['scale-type'] === 'cover' ? 'cover' : 'contain'}`,
      ]
        .filter(Boolean)
        .join(';');
      return html`<img
        class="c-image"
        src=${imageSource(resolve(component.src, scope))}
        alt=${str(resolve(component['alt-text'], scope))}
        style=${style}
      />`;
    }

    case 'ImageCarousel': {
      const images = (resolve(component.images, scope) as Array<{ src: string; 'alt-text'?: string }> | undefined) ?? [];
      const ratio = str(component['aspect-ratio'] ?? '4:3').replace(':', '/');
      return html`<div class="c-carousel">
        ${images.map(
          (image) =>
            html`<img
              class="c-image"
              src=${imageSource(image.src)}
              alt=${str(image['alt-text'])}
              style=${`aspect-ratio:${ratio};object-fit:${component['scale-type'] === 'cover' ? 'cover' : 'contain'}`}
            />`,
        )}
      </div>`;
    }

    case 'PhotoPicker':
    case 'DocumentPicker': {
      const photo = component.type === 'PhotoPicker';
      const max = Number(component[photo ? 'max-uploaded-photos' : 'max-uploaded-documents'] ?? 30);
      const accept = photo ? 'image/*' : ((component['allowed-mime-types'] as string[] | undefined) ?? []).join(',') || undefined;
      const picked = (Array.isArray(value) ? value : []) as Array<{ file_name?: string }>;
      const control = html`<div class="c-picker">
        <input
          type="file"
          name=${name}
          accept=${accept}
          multiple=${max > 1}
          disabled=${!enabled}
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
      return field(name, label(component.label), control, context, resolve(component.description, scope));
    }

    case 'NavigationList': {
      const items = (resolve(component['list-items'], scope) as Array<Values> | undefined) ?? [];
      const listAction = component['on-click-action'] as FlowAction | undefined;
      return html`<div class="c-navlist">
        ${component.label ? html`<div class="c-label">${label(component.label)}</div>` : null}
        ${component.description ? html`<div class="c-helper">${str(resolve(component.description, scope))}</div>` : null}
        ${items.map((item) => {
          const main = (item['main-content'] ?? {}) as Values;
          const end = (item.end ?? {}) as Values;
          const image = (item.start as Values | undefined)?.image;
          const action = (item['on-click-action'] as FlowAction | undefined) ?? listAction;
          return html`<button type="button" class="c-navitem" data-id=${str(item.id)} onClick=${() => action && context.act(action)}>
            ${image ? html`<img class="c-navimage" src=${imageSource(image)} alt="" />` : null}
            <span class="c-navmain"
              ><span class="c-option-title">${str(main.title)}</span>
              ${main.description ? html`<span class="c-option-description">${str(main.description)}</span>` : null}
              ${main.metadata ? html`<span class="c-option-metadata">${str(main.metadata)}</span>` : null}</span
            >
            ${item.badge ? html`<span class="c-badge">${str(item.badge)}</span>` : null}
            ${end.title ? html`<span class="c-navend">${str(end.title)}</span>` : null}
            <span class="c-chevron">›</span>
          </button>`;
        })}
      </div>`;
    }

    case 'If': {
      const branch = flag(component.condition, scope, false) ? component.then : component.else;
      return html`<div class="c-group">${renderComponents((branch as Component[] | undefined) ?? [], context)}</div>`;
    }

    case 'Switch': {
      const cases = (component.cases ?? {}) as Record<string, Component[]>;
      const chosen = cases[str(resolve(component.value, scope))] ?? [];
      return html`<div class="c-group">${renderComponents(chosen, context)}</div>`;
    }

    case 'Form':
      return html`<div class="c-group">${renderComponents((component.children as Component[] | undefined) ?? [], context)}</div>`;

    case 'Footer': {
      const action = component['on-click-action'] as FlowAction | undefined;
      const caption = (side: string) =>
        component[`${side}-caption`] ? html`<span class=${`c-caption-${side}`}>${str(resolve(component[`${side}-caption`], scope))}</span>` : null;
      return html`<div class="c-footer">
        ${component['left-caption'] || component['right-caption'] || component['center-caption'] ? html`<div class="c-footer-captions">${caption('left')}${caption('center')}${caption('right')}</div>` : null}
        <button type="button" class="c-footer-button" disabled=${!enabled || !context.canSubmit} onClick=${() => action && context.act(action)}>
          ${label(component.label)}
        </button>
      </div>`;
    }

    default:
      return html`<div class="c-unknown" role="note" data-component=${String(component.type)}>
        <strong>${String(component.type ?? 'A component without a type')}</strong> — the preview cannot draw this component yet
      </div>`;
  }
}

export function renderComponents(children: Component[], context: RenderContext): Array<VNode | null> {
  return children.map((child) => renderComponent(child, context));
}
