import { describe, expect, it } from '@jest/globals';
import type { Exchange, FlowInfo } from '../src/api.js';
import type { FlowJson } from '../src/flow-json-types.js';
import { MASK, responseSummary } from '../src/response-summary.js';
import { initialState, reduce, screenView, toneOf, type PreviewAction, type PreviewState } from '../src/state/preview-state.js';

const flowJson: FlowJson = {
  version: '7.3',
  data_api_version: '3.0',
  routing_model: { START: ['DETAILS'], DETAILS: ['CONFIRM'], CONFIRM: [] },
  screens: [
    {
      id: 'START',
      data: { greeting: { type: 'string', __example__: 'Hello' } },
      layout: {
        type: 'SingleColumnLayout',
        children: [
          { type: 'TextInput', name: 'name', label: 'Name', required: true },
          {
            type: 'Footer',
            label: 'Go',
            'on-click-action': { name: 'navigate', next: { type: 'screen', name: 'DETAILS' }, payload: { name: '${form.name}' } },
          },
        ],
      },
    },
    {
      id: 'DETAILS',
      sensitive: ['pan', 'pin', 'plan', 'photos', 'news'],
      data: { name: { type: 'string', __example__: 'Ana' } },
      layout: {
        type: 'SingleColumnLayout',
        children: [
          { type: 'TextInput', name: 'pan', label: 'Tax id' },
          { type: 'TextInput', name: 'pin', label: 'PIN', 'input-type': 'passcode' },
          { type: 'Dropdown', name: 'plan', label: 'Plan', 'data-source': [{ id: 'gold', title: 'Gold plan' }] },
          { type: 'RadioButtonsGroup', name: 'size', label: 'Size', 'data-source': [{ id: 'L', title: 'Large' }] },
          { type: 'PhotoPicker', name: 'photos', label: 'Photos' },
          { type: 'OptIn', name: 'news', label: 'Send me news' },
          { type: 'CalendarPicker', name: 'stay', mode: 'range', title: 'Stay', label: { 'start-date': 'In', 'end-date': 'Out' } },
          { type: 'Footer', label: 'Done', 'on-click-action': { name: 'complete', payload: { pan: '${form.pan}' } } },
        ],
      },
    },
    { id: 'CONFIRM', terminal: true, layout: { type: 'SingleColumnLayout', children: [] } },
  ],
};

const info: FlowInfo = {
  flow: 'demo',
  endpoint: 'http://localhost:3000',
  file: 'demo.flow.json',
  version: 1,
  flowJson,
  entry: 'START',
  start: { action: 'INIT', screen: 'START', reason: 'START declares data' },
  token: { fixed: false, hint: 'preview-…' },
};

function run(...actions: PreviewAction[]): PreviewState {
  return actions.reduce(reduce, initialState);
}

const opened = () => run({ type: 'loaded', info, reloaded: false }, { type: 'open', screen: 'START' });

function exchange(overrides: Partial<Exchange>): Exchange {
  return {
    request: { action: 'data_exchange', screen: 'DETAILS' },
    status: 200,
    reply: null,
    durationMs: 3,
    violations: [],
    verdict: 'matches',
    ...overrides,
  };
}

describe('the page state', () => {
  it('opens a screen with its __example__ data; a field set then a navigate sees the new value', () => {
    let state = opened();
    expect(state.stack).toMatchObject([{ id: 'START', data: { greeting: 'Hello' }, origin: 'example' }]);
    expect(screenView(state).canSubmit).toBe(false); // name is required
    state = reduce(state, { type: 'set-field', name: 'name', value: 'Ana' });
    expect(screenView(state).canSubmit).toBe(true);
    state = reduce(state, {
      type: 'act',
      action: { name: 'navigate', next: { type: 'screen', name: 'DETAILS' }, payload: { name: '${form.name}' } },
    });
    expect(state.stack.map((entry) => entry.id)).toEqual(['START', 'DETAILS']);
    expect(state.stack[1]).toMatchObject({ data: { name: 'Ana' }, origin: 'navigate' });
    expect(state.log[0]).toMatchObject({ title: 'navigate START → DETAILS (no request)', tone: 'ok' });
    state = reduce(state, { type: 'back' });
    expect(state.stack.map((entry) => entry.id)).toEqual(['START']);
    expect(state.stack[0].form).toEqual({ name: 'Ana' }); // Back restores the screen as the user left it
  });

  it('a navigate whose payload lacks declared data is logged as a problem', () => {
    const state = reduce(opened(), { type: 'act', action: { name: 'navigate', next: { type: 'screen', name: 'DETAILS' }, payload: {} } });
    expect(state.log[0]).toMatchObject({ tone: 'bad', detail: { 'not in the payload': ['name'] } });
  });

  it('update_data changes the screen data; open_url is a notice; an unknown action a problem', () => {
    let state = reduce(opened(), { type: 'act', action: { name: 'update_data', payload: { greeting: 'Hi' } } });
    expect(state.stack[0]).toMatchObject({ data: { greeting: 'Hi' }, origin: 'update' });
    state = reduce(state, { type: 'act', action: { name: 'open_url', url: 'https://example.com' } });
    expect(state.notice).toBe('The phone would open https://example.com');
    expect(reduce(state, { type: 'act', action: { name: 'teleport' } }).problem?.title).toBe('Unknown action "teleport"');
  });

  it('the endpoint ending the flow says so in plain words', () => {
    const state = reduce(opened(), {
      type: 'exchanged',
      base: opened().stack,
      result: exchange({
        request: { action: 'data_exchange', screen: 'START' },
        reply: { screen: 'SUCCESS', data: { extension_message_response: { params: { flow_token: 'preview-…', done: true } } } },
      }),
    });
    expect(state.completion?.how).toBe('The endpoint ended the flow: it answered data_exchange from START with the SUCCESS screen.');
    expect(state.completion?.params).toEqual({ flow_token: 'preview-…', done: true });
  });

  it('an error answer keeps the screen, shows its message and is logged as a warning, never as a match', () => {
    const base = opened().stack;
    const result = exchange({
      request: { action: 'data_exchange', screen: 'START' },
      reply: { screen: 'START', data: { error_message: 'Try again' } },
      verdict: 'error_message',
      errorMessage: 'Try again',
    });
    const state = reduce(opened(), { type: 'exchanged', base, result });
    expect(state.stack).toMatchObject([{ id: 'START', data: { error_message: 'Try again' }, origin: 'endpoint' }]);
    expect(state.log[0]).toMatchObject({ tone: 'warn', title: 'data_exchange from START → START · HTTP 200 · error message · 3 ms' });
    expect(toneOf(exchange({ status: 500, verdict: 'no_reply' }))).toBe('bad');
    expect(toneOf(exchange({ verdict: 'violates', violations: ['x'] }))).toBe('bad');
    expect(toneOf(exchange({}))).toBe('ok');
  });

  it('the complete action ends the flow with a response summary built from the screens the user went through', () => {
    let state = reduce(opened(), { type: 'set-field', name: 'name', value: 'Ana' });
    state = reduce(state, { type: 'act', action: { name: 'navigate', next: { type: 'screen', name: 'DETAILS' }, payload: { name: 'Ana' } } });
    for (const [name, value] of Object.entries({
      pan: 'AB12CD34',
      pin: '1234',
      plan: 'gold',
      size: 'L',
      photos: [{ file_name: 'a.jpg' }],
      news: true,
    }))
      state = reduce(state, { type: 'set-field', name, value });
    state = reduce(state, { type: 'set-field', name: 'stay', value: { 'start-date': '2025-03-03', 'end-date': '2025-03-06' } });
    state = reduce(state, { type: 'act', action: { name: 'complete', payload: { pan: '${form.pan}' } } });
    expect(state.completion?.how).toBe('The complete action on DETAILS ended the flow.');
    // The business gets the real value; the user's summary masks it.
    expect(state.completion?.params).toEqual({ pan: 'AB12CD34' });
    expect(state.completion?.summary.map(({ label, value, privacy }) => [label, value, privacy])).toEqual([
      ['Name', 'Ana', undefined],
      ['Tax id', MASK, 'masked'],
      ['Plan', MASK, 'masked'],
      ['Size', 'Large', undefined],
      ['Photos', '', 'hidden'],
      ['Send me news', 'Yes', undefined],
      ['Stay', '2025-03-03 – 2025-03-06', undefined],
    ]);
    expect(reduce(state, { type: 'back' }).completion).toBeUndefined();
  });
});

describe('the response summary', () => {
  const screens = new Map(flowJson.screens.map((screen) => [screen.id, screen]));

  it('without sensitive fields every answer shows as the user gave it (option titles, not ids)', () => {
    const details = { ...flowJson.screens[1], sensitive: undefined };
    const rows = responseSummary([{ id: 'DETAILS', data: {}, form: { pin: '1234', plan: 'gold' } }], new Map([['DETAILS', details]]));
    expect(rows.map(({ label, value }) => [label, value])).toEqual([
      ['PIN', '1234'],
      ['Plan', 'Gold plan'],
    ]);
  });

  it('a sensitive password or passcode is left out; pickers are hidden; an OptIn shows as it is', () => {
    const rows = responseSummary([{ id: 'DETAILS', data: {}, form: { pin: '1234', photos: [{ file_name: 'a.jpg' }], news: false } }], screens);
    expect(rows.map((row) => row.name)).toEqual(['photos', 'news']);
    expect(rows[0]).toMatchObject({ value: '', privacy: 'hidden' });
    expect(rows[1]).toMatchObject({ value: 'No' });
  });
});
