import { describe, expect, it } from '@jest/globals';
import { checkFlowJson } from './local-checks.js';

describe('checkFlowJson', () => {
  it('places a syntax error at its line and column', () => {
    const problems = checkFlowJson('{\n  "version": "7.3",\n  "screens": [,]\n}');
    expect(problems).toEqual([expect.objectContaining({ line: 3, column: 15, message: 'not valid JSON: ValueExpected' })]);
  });

  const flow = (routes: string[]) => ({
    version: '7.3',
    data_api_version: '3.0',
    routing_model: { START: routes },
    screens: [
      {
        id: 'START',
        terminal: true,
        data: {},
        layout: {
          type: 'SingleColumnLayout',
          children: [{ type: 'Footer', label: 'Done', 'on-click-action': { name: 'data_exchange', payload: {} } }],
        },
      },
    ],
  });

  it('reports the problems the boot refuses, at the offending key', () => {
    const problems = checkFlowJson(JSON.stringify(flow(['NOWHERE']), null, 2));
    expect(problems).toEqual([{ line: 6, column: 7, message: 'routing_model.START: "NOWHERE" is not a screen; screens: START' }]);
  });

  it('passes a valid Flow JSON', () => {
    expect(checkFlowJson(JSON.stringify(flow([])))).toEqual([]);
  });

  it('passes a Flow JSON whose findings are warnings only: deploy never refuses what Meta may accept', () => {
    const navigating = flow([]);
    navigating.screens[0].layout.children.unshift({
      type: 'EmbeddedLink',
      text: 'Read our delivery terms first',
      'on-click-action': { name: 'open_url', url: 'https://example.com' },
    } as never);
    expect(checkFlowJson(JSON.stringify(navigating))).toEqual([]);
  });
});
