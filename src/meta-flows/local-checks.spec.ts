import { describe, expect, it } from '@jest/globals';
import { checkFlowJson } from './local-checks.js';

describe('checkFlowJson', () => {
  it('places a syntax error at its line and column', () => {
    const problems = checkFlowJson('{\n  "version": "7.3",\n  "screens": [,]\n}');
    expect(problems).toEqual([expect.objectContaining({ line: 3, column: 15, message: 'not valid JSON: ValueExpected' })]);
  });

  it('reports the structural problems the boot refuses', () => {
    const problems = checkFlowJson(JSON.stringify({ version: '7.3', routing_model: { START: ['NOWHERE'] }, screens: [{ id: 'START', data: {} }] }));
    expect(problems.map((p) => p.message)).toEqual(['routing_model.START: "NOWHERE" is not a screen']);
  });

  it('passes a valid Flow JSON', () => {
    expect(checkFlowJson(JSON.stringify({ version: '7.3', routing_model: { START: [] }, screens: [{ id: 'START', data: {} }] }))).toEqual([]);
  });
});
