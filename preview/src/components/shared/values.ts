// Small readers shared by the renderers: text, options, images, dates.
import { resolve, type Scope } from '../../expressions.js';
import type { Component, DataSourceOption } from '../../flow-json-types.js';

/** A property as text: arrays are lines (RichText and markdown text may be arrays of strings). */
export function str(value: unknown): string {
  if (value === undefined || value === null) return '';
  return Array.isArray(value) ? value.join('\n') : String(value);
}

/** A property resolved against the screen, as text. */
export function text(value: unknown, scope: Scope): string {
  return str(resolve(value, scope));
}

/** The options of `data-source` (static or `${data.x}`), malformed entries left out. */
export function options(component: Component, scope: Scope): DataSourceOption[] {
  const list = resolve(component['data-source'], scope);
  return Array.isArray(list) ? (list as DataSourceOption[]).filter((option) => option && typeof option === 'object') : [];
}

/** An image property as a URL: Flow JSON gives base64 (PNG or JPEG) without a data: prefix. */
export function imageSource(src: unknown): string {
  const value = str(src);
  if (/^(data:|https?:)/.test(value)) return value;
  return `data:${value.startsWith('/9j/') ? 'image/jpeg' : 'image/png'};base64,${value}`;
}

/** A date setting: "YYYY-MM-DD", or (DatePicker before 5.0) a timestamp in milliseconds. */
export function dateSetting(value: unknown, scope: Scope): string | undefined {
  const resolved = text(value, scope);
  if (/^\d+$/.test(resolved)) return new Date(Number(resolved)).toISOString().slice(0, 10);
  return resolved || undefined;
}

/** A list setting such as `unavailable-dates` or `include-days`. */
export function list(value: unknown, scope: Scope): string[] | undefined {
  const resolved = resolve(value, scope);
  return Array.isArray(resolved) ? resolved.map(String) : undefined;
}
