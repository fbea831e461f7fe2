// Rules whose fixtures would be too big to keep as files: the size and screen limits, long texts, many
// options, large option images. Each flow is built here, once within the limit and once over it.
import { describe, expect, it } from '@jest/globals';
import { checkFlowJson, type FlowJsonProblem } from '../../src/flow-json/index.js';

const footer = (name = 'complete') => ({ type: 'Footer', label: 'Done', 'on-click-action': { name, payload: {} } });
const flow = (version: string, children: unknown[], data: Record<string, unknown> = {}) =>
  JSON.stringify(
    { version, screens: [{ id: 'MAIN', title: 'Main', terminal: true, data, layout: { type: 'SingleColumnLayout', children } }] },
    null,
    2,
  );
const findings = (text: string) => checkFlowJson(text).map(({ severity, pointer, message }: FlowJsonProblem) => ({ severity, pointer, message }));
const options = (count: number, image?: string) =>
  Array.from({ length: count }, (_, index) => ({ id: `o${index}`, title: `Option ${index}`, ...(image ? { image } : {}) }));
const base64Of = (kb: number) => 'A'.repeat(Math.ceil((kb * 1024 * 4) / 3));

describe('Flow JSON checker: limits', () => {
  it('a flow holds at most 100 screens', () => {
    const chain = (count: number) =>
      JSON.stringify({
        version: '7.3',
        screens: Array.from({ length: count }, (_, index) => {
          const id = `S_${'X'.repeat(index + 1)}`;
          const last = index === count - 1;
          const next = { name: 'navigate', next: { type: 'screen', name: `S_${'X'.repeat(index + 2)}` }, payload: {} };
          return {
            id,
            ...(last ? { terminal: true } : {}),
            layout: {
              type: 'SingleColumnLayout',
              children: [{ type: 'Footer', label: 'Next', 'on-click-action': last ? { name: 'complete', payload: {} } : next }],
            },
          };
        }),
      });
    expect(findings(chain(100))).toEqual([]);
    expect(findings(chain(101))).toEqual([{ severity: 'error', pointer: '/screens', message: 'the flow has 101 screens; Meta allows at most 100' }]);
  });

  it('a Flow JSON is at most 10 MB', () => {
    const big = (mb: number) =>
      flow('7.3', [{ type: 'TextBody', text: '${data.note}' }, footer()], { note: { type: 'string', __example__: 'x'.repeat(mb * 1024 * 1024) } });
    expect(findings(big(9))).toEqual([]);
    expect(findings(big(11))).toEqual([
      { severity: 'error', pointer: '', message: "the Flow JSON is over 10 MB, Meta's limit: move large data (images) to the endpoint" },
    ]);
  });

  it('TextBody and TextCaption hold at most 4096 characters (lines over it: a warning); TextCaption over 409 is a warning', () => {
    expect(findings(flow('7.3', [{ type: 'TextBody', text: 'x'.repeat(4096) }, footer()]))).toEqual([]);
    expect(findings(flow('7.3', [{ type: 'TextBody', text: 'x'.repeat(4097) }, footer()]))).toEqual([
      {
        severity: 'error',
        pointer: '/screens/0/layout/children/0/text',
        message: '`text` is 4097 characters; TextBody allows at most 4096: shorten it',
      },
    ]);
    expect(findings(flow('7.3', [{ type: 'TextBody', markdown: true, text: ['x'.repeat(3000), 'y'.repeat(1200)] }, footer()]))).toEqual([
      {
        severity: 'warning',
        pointer: '/screens/0/layout/children/0/text',
        message: '`text` is 4201 characters (its lines together); TextBody allows 4096, and Meta does not say how it counts lines',
      },
    ]);
    expect(findings(flow('7.3', [{ type: 'TextCaption', text: 'x'.repeat(5000) }, footer()]))).toEqual([
      {
        severity: 'error',
        pointer: '/screens/0/layout/children/0/text',
        message: '`text` is 5000 characters; TextCaption allows at most 4096: shorten it',
      },
    ]);
    expect(findings(flow('7.3', [{ type: 'TextCaption', text: 'x'.repeat(410) }, footer()]))).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringContaining("Meta's components reference says 409 for TextCaption") }),
    ]);
  });

  it('a Dropdown holds 200 options, 100 when any has an image', () => {
    const dropdown = (source: unknown[]) => flow('7.3', [{ type: 'Dropdown', name: 'pick', label: 'Pick', 'data-source': source }, footer()]);
    expect(findings(dropdown(options(200)))).toEqual([]);
    expect(findings(dropdown(options(100, 'iVBORw0KGgo=')))).toEqual([]);
    expect(findings(dropdown(options(101, 'iVBORw0KGgo=')))).toEqual([
      {
        severity: 'error',
        pointer: '/screens/0/layout/children/0/data-source',
        message: '`data-source` has 101 options with images; a Dropdown allows 100 when any option has an image',
      },
    ]);
  });

  it('an option image is at most 300 KB before 6.0 and 100 KB from 6.0', () => {
    const radio = (version: string, kb: number) =>
      flow(version, [
        { type: 'RadioButtonsGroup', name: 'pick', label: 'Pick', 'data-source': [{ id: 'a', title: 'A', image: base64Of(kb) }] },
        footer(),
      ]);
    expect(findings(radio('5.1', 250))).toEqual([]);
    expect(findings(radio('6.0', 99))).toEqual([]);
    expect(findings(radio('6.0', 150))).toEqual([
      {
        severity: 'error',
        pointer: '/screens/0/layout/children/0/data-source/0/image',
        message: "the option's image is about 150 KB; options allow 100 KB in Flow JSON 6.0 (Meta's changelog, 6.0): shrink it",
      },
    ]);
  });

  it('data_api_version 4.0 needs Flow JSON 7.3, 3.0 works with every version', () => {
    const endpoint = (version: string, dataApi: string) =>
      JSON.stringify({
        version,
        data_api_version: dataApi,
        routing_model: { MAIN: [] },
        screens: [{ id: 'MAIN', terminal: true, layout: { type: 'SingleColumnLayout', children: [footer('data_exchange')] } }],
      });
    expect(findings(endpoint('7.3', '4.0'))).toEqual([]);
    expect(findings(endpoint('6.0', '3.0'))).toEqual([]);
    expect(findings(endpoint('7.2', '4.0'))).toEqual([
      {
        severity: 'error',
        pointer: '/data_api_version',
        message: 'data_api_version "4.0" needs Flow JSON 7.3 or later (this file is 7.2): raise "version", or use "3.0"',
      },
    ]);
    expect(findings(endpoint('7.3', '2.0'))).toEqual([
      { severity: 'error', pointer: '/data_api_version', message: 'data_api_version "2.0" is not 3.0 or 4.0' },
    ]);
  });
});
