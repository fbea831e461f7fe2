// The checks the client makes on input before it lets the user go on.
import { flag, type Scope } from './expressions.js';
import type { Component } from './types.js';

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

/** What is wrong with a field's value, in the client's words, or undefined. */
export function fieldError(component: Component, value: unknown, scope: Scope): string | undefined {
  if (flag(component.required, scope, false) && isEmpty(value)) return 'Required';
  const minFiles = Number(component['min-uploaded-photos'] ?? component['min-uploaded-documents'] ?? 0);
  if (isEmpty(value)) return minFiles > 0 ? `Choose at least ${minFiles}` : undefined;
  if (component.type === 'TextInput' || component.type === 'TextArea') {
    const input = String(value);
    const min = Number(component['min-chars'] ?? 0);
    const max = Number(component['max-chars'] ?? component['max-length'] ?? Infinity);
    if (input.length < min) return `At least ${min} characters`;
    if (input.length > max) return `At most ${max} characters`;
    const type = component['input-type'];
    if (type === 'email' && !EMAIL.test(input)) return 'Enter a valid email address';
    if (type === 'number' && !/^-?\d+([.,]\d+)?$/.test(input)) return 'Enter a number';
    if (type === 'phone' && !/^\+?[\d\s()-]{4,}$/.test(input)) return 'Enter a valid phone number';
    if (type === 'passcode' && !/^\d+$/.test(input)) return 'Enter digits only';
    if (typeof component.pattern === 'string') {
      try {
        if (!new RegExp(`^(?:${component.pattern})$`).test(input)) return 'Invalid format';
      } catch {
        return undefined;
      }
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
