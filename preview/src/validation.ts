// The checks the client makes on input before it lets the user go on.
import { flag, resolve, type Scope, type Values } from './expressions.js';
import type { Component } from './flow-json-types.js';
import { daysBetween, isDate } from './dates.js';

const INPUTS = new Set([
  'TextInput',
  'TextArea',
  'Dropdown',
  'RadioButtonsGroup',
  'CheckboxGroup',
  'ChipsSelector',
  'DatePicker',
  'CalendarPicker',
  'OptIn',
  'PhotoPicker',
  'DocumentPicker',
]);

export function isInput(component: Component): boolean {
  return INPUTS.has(component.type) && typeof component.name === 'string';
}

export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.values(value as object).every(isEmpty);
  return false;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A CalendarPicker in range mode: each side may be required on its own; the end is min-days to max-days after the start. */
function dateRangeError(component: Component, value: unknown, scope: Scope): string | undefined {
  const range = (value && typeof value === 'object' ? value : {}) as Values;
  const start = isDate(range['start-date']) ? range['start-date'] : undefined;
  const end = isDate(range['end-date']) ? range['end-date'] : undefined;
  const required = resolve(component.required, scope);
  const side = (key: 'start-date' | 'end-date') =>
    required && typeof required === 'object' ? flag((required as Values)[key], scope, false) : flag(component.required, scope, false);
  if (side('start-date') && !start) return 'Choose a start date';
  if (side('end-date') && !end) return 'Choose an end date';
  if (!start || !end) return undefined;
  if (end < start) return 'The end date is before the start date';
  const days = daysBetween(start, end);
  const min = Number(resolve(component['min-days'], scope) ?? 0);
  const max = Number(resolve(component['max-days'], scope) ?? Infinity);
  if (days < min) return `Choose at least ${min} ${min === 1 ? 'day' : 'days'}`;
  if (days > max) return `Choose at most ${max} ${max === 1 ? 'day' : 'days'}`;
  return undefined;
}

/** What is wrong with a field's value, in the client's words, or undefined. */
export function fieldError(component: Component, value: unknown, scope: Scope): string | undefined {
  if (component.type === 'CalendarPicker' && resolve(component.mode, scope) === 'range') return dateRangeError(component, value, scope);
  if (flag(component.required, scope, false) && isEmpty(value)) return 'Required';
  const minFiles = Number(component['min-uploaded-photos'] ?? component['min-uploaded-documents'] ?? 0);
  if (isEmpty(value)) return minFiles > 0 ? `Choose at least ${minFiles}` : undefined;
  if (component.type === 'TextInput' || component.type === 'TextArea') {
    const input = String(value);
    const min = Number(component['min-chars'] ?? 0);
    // The phone's limits when none is given: 80 characters for TextInput, 600 for TextArea.
    const max = Number(component['max-chars'] ?? component['max-length'] ?? (component.type === 'TextArea' ? 600 : 80));
    if (input.length < min) return `At least ${min} characters`;
    if (input.length > max) return `At most ${max} characters`;
    const type = component['input-type'];
    if (type === 'email' && !EMAIL.test(input)) return 'Enter a valid email address';
    if (type === 'number' && !/^-?\d+([.,]\d+)?$/.test(input)) return 'Enter a number';
    if (type === 'phone' && !/^\+?[\d\s()-]{4,}$/.test(input)) return 'Enter a valid phone number';
    if (type === 'passcode' && !/^\d+$/.test(input)) return 'Enter digits only';
    // pattern (6.2+): a raw regular expression the whole value must match; its helper-text (mandatory
    // with a pattern) says the format, so the phone shows it as the error.
    if (typeof component.pattern === 'string') {
      let matches = true;
      try {
        matches = new RegExp(`^(?:${component.pattern})$`).test(input);
      } catch {
        return undefined;
      }
      if (!matches) return String(resolve(component['helper-text'], scope) ?? '') || 'Invalid format';
    }
  }
  if (component.type === 'CheckboxGroup' || component.type === 'ChipsSelector') {
    const count = Array.isArray(value) ? value.length : 0;
    const min = Number(component['min-selected-items'] ?? 0);
    const max = Number(component['max-selected-items'] ?? Infinity);
    if (count < min) return `Choose at least ${min}`;
    if (count > max) return `Choose at most ${max}`;
  }
  if (component.type === 'PhotoPicker' || component.type === 'DocumentPicker') {
    const count = Array.isArray(value) ? value.length : 0;
    const min = Number(component[component.type === 'PhotoPicker' ? 'min-uploaded-photos' : 'min-uploaded-documents'] ?? 0);
    if (count < min) return `Choose at least ${min}`;
  }
  return undefined;
}
