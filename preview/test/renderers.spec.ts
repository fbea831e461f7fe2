import { describe, expect, it } from '@jest/globals';
import { renderComponent } from '../src/components.js';
import { RENDERERS } from '../src/components/registry.js';
import type { Component } from '../src/flow-json-types.js';
import { fieldError } from '../src/validation.js';
import { draw, find, recordingContext } from './vnodes.js';

const onPick = { onPick: (value: unknown) => typeof value === 'function' };
const disabled = (out: string, date: string) => new RegExp(`data-date="${date}"[^>]*\\sdisabled`).test(out);

describe('the registry', () => {
  it('has a renderer for every component of Flow JSON 7.3', () => {
    const components = [
      'TextHeading',
      'TextSubheading',
      'TextBody',
      'TextCaption',
      'RichText',
      'TextInput',
      'TextArea',
      'CheckboxGroup',
      'RadioButtonsGroup',
      'Footer',
      'OptIn',
      'Dropdown',
      'EmbeddedLink',
      'DatePicker',
      'CalendarPicker',
      'Image',
      'If',
      'Switch',
      'PhotoPicker',
      'DocumentPicker',
      'NavigationList',
      'ChipsSelector',
      'ImageCarousel',
      'Form',
    ];
    expect(components.filter((type) => !RENDERERS[type])).toEqual([]);
  });
});

describe('CalendarPicker (6.1)', () => {
  // March 2025, in the past: the calendar opens on the month of max-date, whatever today is.
  const single: Component = {
    type: 'CalendarPicker',
    name: 'day',
    label: 'Day',
    'min-date': '2025-03-03',
    'max-date': '2025-03-31',
    'unavailable-dates': '${data.closed}',
    'include-days': ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
    'helper-text': 'Weekdays only',
    'on-select-action': { name: 'data_exchange', payload: { day: '${form.day}' } },
  };

  it('single mode: a month grid where days outside min/max, unavailable-dates and include-days cannot be picked', () => {
    const out = draw([single], { data: { closed: ['2025-03-05'] }, form: {} });
    expect(out).toContain('data-month="2025-03"');
    expect(out).toContain('March 2025');
    expect(disabled(out, '2025-03-03')).toBe(false); // a Monday
    expect(disabled(out, '2025-03-01')).toBe(true); // before min-date
    expect(disabled(out, '2025-03-05')).toBe(true); // unavailable
    expect(disabled(out, '2025-03-08')).toBe(true); // a Saturday
    expect(out).toContain('Weekdays only');
    expect(out).toMatch(/<span class="c-label">Day<\/span><input[^>]*name="day"/);
  });

  it('single mode: picking a day sets "YYYY-MM-DD" and fires on-select-action', () => {
    const { context, recorded } = recordingContext({ data: {}, form: {} });
    const picker = renderComponent(single, context);
    (find(picker, onPick).props.onPick as (date: string) => void)('2025-03-04');
    expect(recorded.fields).toEqual([['day', '2025-03-04']]);
    expect(recorded.actions).toEqual([single['on-select-action']]);
  });

  const range: Component = {
    type: 'CalendarPicker',
    name: 'stay',
    mode: 'range',
    title: 'When are you staying?',
    description: 'Up to 5 nights',
    label: { 'start-date': 'Check-in', 'end-date': 'Check-out' },
    'helper-text': { 'start-date': 'From 14:00', 'end-date': 'Until 11:00' },
    'min-date': '2025-03-01',
    'max-date': '2025-03-31',
    'min-days': 2,
    'max-days': 5,
    required: { 'start-date': true, 'end-date': true },
    'on-select-action': { name: 'data_exchange', payload: { stay: '${form.stay}' } },
  };

  it('range mode: title, description, a label and helper text per side, the chosen dates', () => {
    const out = draw([range], { data: {}, form: { stay: { 'start-date': '2025-03-03', 'end-date': '2025-03-06' } } });
    expect(out).toContain('When are you staying?');
    expect(out).toContain('Up to 5 nights');
    expect(out).toMatch(/Check-in<\/span><input[^>]*name="stay.start-date" value="2025-03-03"/);
    expect(out).toMatch(/Check-out<\/span><input[^>]*name="stay.end-date" value="2025-03-06"/);
    expect(out).toContain('From 14:00 · Until 11:00');
    expect(out).toMatch(/class="c-day inside"[^>]*data-date="2025-03-04"/);
  });

  it('range mode: once a start is chosen, ends outside min-days..max-days cannot be picked; the end completes the range', () => {
    const { context, recorded } = recordingContext({ data: {}, form: { stay: { 'start-date': '2025-03-03' } } });
    const picker = renderComponent(range, context);
    const month = find(picker, onPick).props as unknown as { onPick(date: string): void; blocked(date: string): boolean };
    expect(['2025-03-04', '2025-03-05', '2025-03-08', '2025-03-09'].map(month.blocked)).toEqual([true, false, false, true]);
    expect(disabled(draw([range], context.scope), '2025-03-04')).toBe(true);
    month.onPick('2025-03-06');
    expect(recorded.fields).toEqual([['stay', { 'start-date': '2025-03-03', 'end-date': '2025-03-06' }]]);
    expect(recorded.actions).toEqual([range['on-select-action']]);
    // A day before the start starts again, and fires nothing yet.
    month.onPick('2025-03-01');
    expect(recorded.fields[1]).toEqual(['stay', { 'start-date': '2025-03-01' }]);
    expect(recorded.actions).toHaveLength(1);
  });

  it('range mode: an on-select-action per side fires when that side is picked', () => {
    const start = { name: 'data_exchange', payload: { side: 'start' } };
    const end = { name: 'data_exchange', payload: { side: 'end' } };
    const { context, recorded } = recordingContext({ data: {}, form: {} });
    const picker = renderComponent({ ...range, 'on-select-action': { 'start-date': start, 'end-date': end } }, context);
    (find(picker, onPick).props.onPick as (date: string) => void)('2025-03-10');
    expect(recorded.actions).toEqual([start]);
  });

  it('range mode: required per side, min-days and max-days are checked before the Footer works', () => {
    const scope = { data: {}, form: {} };
    expect(fieldError(range, undefined, scope)).toBe('Choose a start date');
    expect(fieldError(range, { 'start-date': '2025-03-03' }, scope)).toBe('Choose an end date');
    expect(fieldError(range, { 'start-date': '2025-03-03', 'end-date': '2025-03-04' }, scope)).toBe('Choose at least 2 days');
    expect(fieldError(range, { 'start-date': '2025-03-03', 'end-date': '2025-03-10' }, scope)).toBe('Choose at most 5 days');
    expect(fieldError(range, { 'start-date': '2025-03-03', 'end-date': '2025-03-06' }, scope)).toBeUndefined();
    expect(fieldError({ ...range, required: { 'start-date': true, 'end-date': false } }, { 'start-date': '2025-03-03' }, scope)).toBeUndefined();
  });
});

describe('NavigationList (6.2)', () => {
  const list: Component = {
    type: 'NavigationList',
    name: 'catalog',
    label: 'Categories',
    description: 'Tap one',
    'list-items': '${data.items}',
    'on-click-action': { name: 'data_exchange', payload: { from: 'list' } },
  };
  const items = [
    {
      id: 'phones',
      'main-content': { title: 'Phones', description: 'New models', metadata: 'From 199 EUR' },
      start: { image: 'iVBORw0KGgo=', 'alt-text': 'A phone' },
      end: { title: '12', description: 'models' },
      badge: 'New',
      tags: ['5G', 'Sale', 'Dual SIM', 'Ignored'],
      'on-click-action': { name: 'navigate', next: { type: 'screen', name: 'PHONES' }, payload: {} },
    },
    { id: 'laptops', 'main-content': { title: 'Laptops' } },
  ];

  it('draws each item: start image, title, description, metadata, up to 3 tags, badge and end content', () => {
    const out = draw([list], { data: { items }, form: {} });
    for (const text of ['Categories', 'Tap one', 'Phones', 'New models', 'From 199 EUR', '5G', 'Dual SIM', 'New', '12', 'models', 'Laptops'])
      expect(out).toContain(text);
    expect(out).not.toContain('Ignored');
    expect(out).toContain('alt="A phone"');
  });

  it("an item runs its own action, else the list's", () => {
    const { context, recorded } = recordingContext({ data: { items }, form: {} });
    const drawn = renderComponent(list, context);
    (find(drawn, { 'data-id': 'phones' }).props.onClick as () => void)();
    (find(drawn, { 'data-id': 'laptops' }).props.onClick as () => void)();
    expect(recorded.actions).toEqual([items[0]['on-click-action'], list['on-click-action']]);
  });

  it('media-size large draws bigger images', () => {
    expect(draw([{ ...list, 'media-size': 'large' }], { data: { items }, form: {} })).toContain('class="c-navlist large"');
  });
});

describe('ChipsSelector (6.3)', () => {
  const chips: Component = {
    type: 'ChipsSelector',
    name: 'topics',
    label: 'Pick what you like',
    description: 'Choose up to 2',
    'max-selected-items': 2,
    'data-source': [
      { id: 'sport', title: 'Sport' },
      { id: 'music', title: 'Music' },
      { id: 'food', title: 'Food', enabled: false },
      { id: 'travel', title: 'Travel' },
    ],
    'on-select-action': { name: 'update_data', payload: { picked: true } },
    'on-unselect-action': { name: 'update_data', payload: { picked: false } },
  };

  it('once max-selected-items are chosen the other chips cannot be picked; a disabled option never can', () => {
    const out = draw([chips], { data: {}, form: { topics: ['sport', 'music'] } });
    expect(out).toMatch(/aria-pressed="true" data-id="sport"/);
    expect(out).toMatch(/data-id="travel" disabled/);
    expect(out).toMatch(/data-id="food" disabled/);
    expect(out).toContain('Choose up to 2');
  });

  it('selecting fires on-select-action, unselecting on-unselect-action (on-select-action when there is none)', () => {
    const { context, recorded } = recordingContext({ data: {}, form: { topics: ['sport'] } });
    const drawn = renderComponent(chips, context);
    (find(drawn, { 'data-id': 'music' }).props.onClick as () => void)();
    (find(drawn, { 'data-id': 'sport' }).props.onClick as () => void)();
    expect(recorded.fields).toEqual([
      ['topics', ['sport', 'music']],
      ['topics', []],
    ]);
    expect(recorded.actions).toEqual([chips['on-select-action'], chips['on-unselect-action']]);
    const { context: plain, recorded: fired } = recordingContext({ data: {}, form: { topics: ['sport'] } });
    (find(renderComponent({ ...chips, 'on-unselect-action': undefined }, plain), { 'data-id': 'sport' }).props.onClick as () => void)();
    expect(fired.actions).toEqual([chips['on-select-action']]);
  });
});

describe('RichText (5.1) and markdown text', () => {
  it('headings (# and ##; deeper ones are body text), paragraphs, emphasis, lists, tables, inline images and links', () => {
    const out = draw(
      [
        {
          type: 'RichText',
          text: [
            '# Terms',
            '## 1. Use',
            '### Small print',
            'You may use it for *personal* purposes.',
            'This text is ~~***really important***~~',
            '- no resale',
            '+ no scraping',
            '1. first',
            '2. second',
            '| Plan | Price |',
            '| --- | --- |',
            '| **Gold** | [see](https://example.com/gold) |',
            '![Logo](data:image/png;base64,iVBORw0KGgo=)',
            '![Remote](https://example.com/logo.png)',
          ],
        },
      ],
      { data: {}, form: {} },
    );
    expect(out).toContain('<h2 class="c-heading">Terms</h2>');
    expect(out).toContain('<h3 class="c-subheading">1. Use</h3>');
    expect(out).toContain('<p class="c-body">Small print</p>');
    expect(out).toContain('You may use it for <em>personal</em> purposes.');
    expect(out).toContain('<s><strong><em>really important</em></strong></s>');
    expect(out).toContain('<ul><li>no resale</li><li>no scraping</li></ul>');
    expect(out).toContain('<ol><li>first</li><li>second</li></ol>');
    expect(out).toMatch(
      /<table class="md-table"><thead><tr><th>Plan<\/th><th>Price<\/th><\/tr><\/thead><tbody><tr><td><strong>Gold<\/strong><\/td><td><a class="md-link" title="https:\/\/example.com\/gold"/,
    );
    expect(out).toContain('<img class="md-image" src="data:image/png;base64,iVBORw0KGgo=" alt="Logo"/>');
    expect(out).toContain('external images are not shown on the phone');
    expect(out).not.toContain('src="https://example.com/logo.png"');
  });

  it('a string text: a blank line splits paragraphs, a single newline does not; ${data.x} works', () => {
    const out = draw([{ type: 'RichText', text: '${data.terms}' }], { data: { terms: 'One\nstill one\n\nTwo' }, form: {} });
    expect(out).toContain('<p class="c-body">One still one</p><p class="c-body">Two</p>');
  });

  it('TextBody with markdown: an array of strings is paragraphs and lists, but no headings or images', () => {
    const out = draw(
      [{ type: 'TextBody', markdown: true, text: ['# Not a heading', '**Bold** start', '- item', '![x](data:image/png;base64,AAAA)'] }],
      {
        data: {},
        form: {},
      },
    );
    expect(out).toContain('# Not a heading');
    expect(out).toContain('<strong>Bold</strong> start');
    expect(out).toContain('<ul><li>item</li></ul>');
    expect(out).not.toContain('<img');
  });
});

describe('ImageCarousel (7.1)', () => {
  it('shows the first image, the others hidden behind the arrows and dots; aspect-ratio and scale-type apply', () => {
    const images = ['Living room', 'Kitchen', 'Bedroom'].map((alt) => ({ src: 'iVBORw0KGgo=', 'alt-text': alt }));
    const out = draw([{ type: 'ImageCarousel', images, 'aspect-ratio': '16:9', 'scale-type': 'cover' }], { data: {}, form: {} });
    expect(out).toContain('aspect-ratio:16/9');
    expect(out).toMatch(/alt="Living room" aria-hidden="false" style="object-fit:cover"/);
    expect(out).toMatch(/alt="Kitchen" hidden/);
    expect(out.match(/class="c-carousel-dot( on)?"/g)).toHaveLength(3);
    expect(out).toContain('aria-label="Next image"');
    expect(draw([{ type: 'ImageCarousel', images: images.slice(0, 1) }], { data: {}, form: {} })).not.toContain('Next image');
  });
});

describe('TextInput pattern (6.2) and limits', () => {
  const input: Component = {
    type: 'TextInput',
    name: 'pan',
    label: 'Tax id',
    pattern: '^[A-Z0-9]{8,12}$',
    'helper-text': '8 to 12 letters or digits',
  };
  const scope = { data: {}, form: {} };

  it('a value the pattern does not match shows the helper text as the error', () => {
    expect(fieldError(input, 'abc', scope)).toBe('8 to 12 letters or digits');
    expect(fieldError(input, 'AB12CD34', scope)).toBeUndefined();
    expect(fieldError({ ...input, 'helper-text': undefined }, 'abc', scope)).toBe('Invalid format');
  });

  it('number and passcode inputs are checked as such before the pattern', () => {
    expect(fieldError({ ...input, 'input-type': 'number', pattern: '\\d{4}' }, '12a4', scope)).toBe('Enter a number');
    expect(fieldError({ ...input, 'input-type': 'passcode', pattern: '\\d{4}' }, '12345', scope)).toBe('8 to 12 letters or digits');
  });

  it('the phone caps TextInput at 80 characters and TextArea at 600 when the Flow JSON gives no limit', () => {
    expect(fieldError({ type: 'TextInput', name: 'x' }, 'x'.repeat(81), scope)).toBe('At most 80 characters');
    expect(fieldError({ type: 'TextArea', name: 'x' }, 'x'.repeat(600), scope)).toBeUndefined();
    expect(draw([{ type: 'TextInput', name: 'x', label: 'X' }], scope)).toContain('maxlength="80"');
  });
});

describe('selections fire their actions', () => {
  it('OptIn: checking fires on-select-action, unchecking on-unselect-action', () => {
    const optIn: Component = {
      type: 'OptIn',
      name: 'news',
      label: 'Send me news',
      'on-select-action': { name: 'update_data', payload: { news: true } },
      'on-unselect-action': { name: 'update_data', payload: { news: false } },
    };
    const { context, recorded } = recordingContext({ data: {}, form: {} });
    const change = find(renderComponent(optIn, context), { type: 'checkbox' }).props.onChange as (event: unknown) => void;
    change({ target: { checked: true } });
    change({ target: { checked: false } });
    expect(recorded.fields).toEqual([
      ['news', true],
      ['news', false],
    ]);
    expect(recorded.actions).toEqual([optIn['on-select-action'], optIn['on-unselect-action']]);
  });

  it("CheckboxGroup: an option's own on-select-action (update_data, 6.0) fires before the group's; options show their image", () => {
    const own = { name: 'update_data', payload: { extra: 'yes' } };
    const group: Component = {
      type: 'CheckboxGroup',
      name: 'extras',
      label: 'Extras',
      'media-size': 'large',
      'data-source': [{ id: 'wifi', title: 'Wi-Fi', image: 'iVBORw0KGgo=', 'alt-text': 'Wi-Fi icon', 'on-select-action': own }],
      'on-select-action': { name: 'data_exchange', payload: {} },
    };
    const { context, recorded } = recordingContext({ data: {}, form: {} });
    const drawn = renderComponent(group, context);
    (find(drawn, { value: 'wifi' }).props.onChange as (event: unknown) => void)({ target: { checked: true } });
    expect(recorded.actions).toEqual([own, group['on-select-action']]);
    expect(draw([group], context.scope)).toContain('class="c-option-image large" src="data:image/png;base64,iVBORw0KGgo=" alt="Wi-Fi icon"');
  });
});
