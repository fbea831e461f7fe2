import { describe, expect, it } from '@jest/globals';
import { html } from 'htm/preact';
import { renderToString } from 'preact-render-to-string';
import { renderComponents, type RenderContext } from '../src/components.js';
import type { Scope } from '../src/expressions.js';
import { declaredErrors, exampleData, initialForm, inputProblems } from '../src/screen-state.js';
import type { Component, Screen } from '../src/flow-json-types.js';

function draw(children: Component[], scope: Scope, overrides: Partial<RenderContext> = {}): string {
  const context: RenderContext = { scope, errors: {}, setField() {}, touch() {}, act() {}, canSubmit: true, ...overrides };
  return renderToString(html`<div>${renderComponents(children, context)}</div>`);
}

const options = [
  { id: 'HAIRCUT', title: 'Haircut', description: '30 min' },
  { id: 'BEARD', title: 'Beard trim', enabled: false },
];

describe('component rendering', () => {
  it('text components show their text with ${data.x} resolved; markdown is rendered as elements, not HTML', () => {
    const out = draw(
      [
        { type: 'TextHeading', text: '${data.title}' },
        { type: 'TextBody', text: 'Hello **${data.name}**', markdown: true },
        { type: 'TextCaption', text: '<b>not html</b>' },
        { type: 'RichText', text: ['# Title', '- one', '- two'] },
      ],
      { data: { title: 'Wireless Mouse', name: 'Maria' }, form: {} },
    );
    expect(out).toContain('<h2 class="c-heading">Wireless Mouse</h2>');
    expect(out).toContain('Hello <strong>Maria</strong>');
    expect(out).toContain('&lt;b>not html&lt;/b>');
    expect(out).toContain('<ul><li>one</li><li>two</li></ul>');
  });

  it('inputs: labels, helper text, optional marks, values from the form, errors', () => {
    const out = draw(
      [
        { type: 'TextInput', name: 'email', label: 'Email', 'input-type': 'email', required: true, 'helper-text': 'We write once' },
        { type: 'TextArea', name: 'notes', label: 'Notes', 'max-length': 20 },
      ],
      { data: {}, form: { email: 'maria@', notes: 'hi' } },
      { errors: { email: 'Enter a valid email address' } },
    );
    expect(out).toContain('type="email"');
    expect(out).toContain('value="maria@"');
    expect(out).toContain('Enter a valid email address');
    expect(out).not.toContain('We write once'); // the error replaces the helper text
    expect(out).toContain('Notes <span class="c-optional">(optional)</span>');
    expect(out).toContain('2/20');
  });

  it('Dropdown, RadioButtonsGroup, CheckboxGroup and ChipsSelector draw their data-source, disabled options included', () => {
    const scope = { data: { services: options }, form: { radio: 'HAIRCUT', boxes: ['HAIRCUT'] } };
    const out = draw(
      [
        { type: 'Dropdown', name: 'service', label: 'Service', 'data-source': '${data.services}', required: true },
        { type: 'RadioButtonsGroup', name: 'radio', label: 'Pick', 'data-source': '${data.services}' },
        { type: 'CheckboxGroup', name: 'boxes', label: 'Many', 'data-source': '${data.services}' },
        { type: 'ChipsSelector', name: 'chips', label: 'Chips', 'data-source': '${data.services}' },
      ],
      scope,
    );
    expect(out).toContain('<option value="HAIRCUT">Haircut · 30 min</option>');
    expect(out).toContain('<option value="BEARD" disabled>Beard trim</option>');
    expect(out).toMatch(/type="radio" name="radio" value="HAIRCUT" checked/);
    expect(out).toMatch(/type="checkbox" name="boxes" value="HAIRCUT" checked/);
    expect(out).toContain('class="c-chip"');
  });

  it('visible hides, If and Switch pick their branch', () => {
    const out = draw(
      [
        { type: 'TextBody', text: 'hidden', visible: '${data.off}' },
        { type: 'If', condition: "${data.country} == 'PT'", then: [{ type: 'TextBody', text: 'Olá' }], else: [{ type: 'TextBody', text: 'Hello' }] },
        {
          type: 'Switch',
          value: '${data.plan}',
          cases: { gold: [{ type: 'TextBody', text: 'Gold plan' }], basic: [{ type: 'TextBody', text: 'Basic plan' }] },
        },
      ],
      { data: { off: false, country: 'PT', plan: 'basic' }, form: {} },
    );
    expect(out).not.toContain('hidden');
    expect(out).toContain('Olá');
    expect(out).not.toContain('Hello');
    expect(out).toContain('Basic plan');
    expect(out).not.toContain('Gold plan');
  });

  it('Footer is disabled while the screen cannot be submitted; enabled:false disables it too', () => {
    const footer: Component = { type: 'Footer', label: 'Continue', 'on-click-action': { name: 'complete' } };
    expect(draw([footer], { data: {}, form: {} }, { canSubmit: false })).toContain('disabled');
    expect(draw([footer], { data: {}, form: {} })).not.toContain('disabled');
    expect(draw([{ ...footer, enabled: '${data.ready}' }], { data: { ready: false }, form: {} })).toContain('disabled');
  });

  it('links, images, carousels, pickers, navigation lists, dates and opt-ins draw', () => {
    const out = draw(
      [
        { type: 'EmbeddedLink', text: 'Show more', 'on-click-action': { name: 'data_exchange' } },
        { type: 'Image', src: 'iVBORw0KGgo=', 'alt-text': 'Logo', width: 100 },
        { type: 'ImageCarousel', images: [{ src: '/9j/4AAQ', 'alt-text': 'One' }] },
        { type: 'PhotoPicker', name: 'photos', label: 'Photos' },
        { type: 'DocumentPicker', name: 'docs', label: 'Documents', 'allowed-mime-types': ['application/pdf'] },
        {
          type: 'NavigationList',
          name: 'nav',
          'list-items': [{ id: 'a', 'main-content': { title: 'Orders', description: 'See them' }, badge: 'New' }],
        },
        { type: 'DatePicker', name: 'day', label: 'Day', 'min-date': '2026-01-01' },
        { type: 'CalendarPicker', name: 'stay', title: 'Stay', mode: 'range', label: { 'start-date': 'From', 'end-date': 'To' } },
        { type: 'OptIn', name: 'terms', label: 'I agree', required: true, 'on-click-action': { name: 'open_url', url: 'https://example.com' } },
      ],
      { data: {}, form: {} },
    );
    expect(out).toContain('Show more');
    expect(out).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(out).toContain('src="data:image/jpeg;base64,/9j/4AAQ"');
    expect(out).toContain('accept="image/*"');
    expect(out).toContain('accept="application/pdf"');
    expect(out).toContain('Orders');
    expect(out).toContain('New');
    expect(out).toContain('min="2026-01-01"');
    expect(out).toContain('name="stay.start-date"'); // Meta's key for the start of a range
    expect(out).toContain('Read more');
    expect(out).not.toContain('c-unknown');
  });

  it('a component the preview cannot draw is a placeholder naming it', () => {
    const out = draw([{ type: 'TextBody', text: 'before' }, { type: 'HologramView' }], { data: {}, form: {} });
    expect(out).toContain('before');
    expect(out).toContain('c-unknown');
    expect(out).toContain('HologramView');
  });
});

describe('screen state', () => {
  const screen: Screen = {
    id: 'S',
    data: { name: { type: 'string', __example__: 'Ana' }, errors: { type: 'object', __example__: { email: 'Taken' } } },
    layout: {
      type: 'SingleColumnLayout',
      children: [
        {
          type: 'Form',
          name: 'form',
          'init-values': { email: 'a@b.co' },
          'error-messages': '${data.errors}',
          children: [
            { type: 'TextInput', name: 'email', label: 'Email', 'input-type': 'email', required: true },
            { type: 'TextInput', name: 'name', label: 'Name', 'init-value': '${data.name}', 'min-chars': 2 },
            { type: 'If', condition: '${form.name}', then: [{ type: 'OptIn', name: 'terms', label: 'Terms', required: true }] },
          ],
        },
      ],
    },
  };

  it('init-values (Form) and init-value (component) fill the form; __example__ fills the data', () => {
    const data = exampleData(screen);
    expect(data).toEqual({ name: 'Ana', errors: { email: 'Taken' } });
    expect(initialForm(screen, { data, form: {} })).toEqual({ email: 'a@b.co', name: 'Ana' });
  });

  it('error-messages come from the Form (or the component)', () => {
    expect(declaredErrors(screen, { data: exampleData(screen), form: {} })).toEqual({ email: 'Taken' });
  });

  it('required, limits and formats of the inputs shown keep the Footer disabled', () => {
    const data = exampleData(screen);
    expect(inputProblems(screen, { data, form: { email: 'a@b.co', name: 'Ana' } })).toEqual({ terms: 'Required' });
    expect(inputProblems(screen, { data, form: { email: 'nope', name: 'A', terms: true } })).toEqual({
      email: 'Enter a valid email address',
      name: 'At least 2 characters',
    });
    // The OptIn is inside an If whose condition is false: not shown, not required.
    expect(inputProblems(screen, { data, form: { email: 'a@b.co', name: '' } })).toEqual({});
  });
});
