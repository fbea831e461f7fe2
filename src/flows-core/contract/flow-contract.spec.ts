import { describe, expect, it } from '@jest/globals';
import { FlowContract } from './flow-contract.js';
import type { FlowJson } from '../../flow-json/index.js';

const flowJson: FlowJson = {
  version: '7.3',
  data_api_version: '3.0',
  routing_model: { A: ['B'], B: ['C'], C: [], D: [] },
  screens: [
    { id: 'A', data: {} },
    {
      id: 'B',
      data: {
        items: {
          type: 'array',
          items: { type: 'object', properties: { name: { type: 'string' }, price: { type: 'string' } }, required: ['name'] },
          __example__: [],
        },
        count: { type: 'integer', __example__: 1 },
      },
    },
    { id: 'C', data: { done: { type: 'boolean', __example__: true } } },
    { id: 'D', data: {} },
  ],
};
const contract = new FlowContract(flowJson);

describe('FlowContract', () => {
  it('accepts a valid reply', () => {
    expect(contract.violations('A', { screen: 'B', data: { items: [{ name: 'x', price: '1' }], count: 2 } })).toEqual([]);
  });

  it('names the path of every wrong value', () => {
    expect(contract.violations('A', { screen: 'B', data: { items: [{ name: 'x', price: '1' }, { price: 2 }], count: 1.5, extra: 1 } })).toEqual([
      'data.items[1].name: required',
      'data.items[1].price: expected string, got number',
      'data.count: expected integer, got number',
      'data.extra: not declared by screen B',
    ]);
  });

  it('requires every declared key, and allows error_message', () => {
    expect(contract.violations('B', { screen: 'C', data: { error_message: 'x' } })).toEqual(['data.done: required by screen C']);
  });

  it('checks transitions: forward by routing_model, stay, back to an ancestor; not sideways', () => {
    const ok = { data: { done: true } };
    expect(contract.violations('B', { screen: 'C', ...ok })).toEqual([]);
    expect(contract.violations('C', { screen: 'C', ...ok })).toEqual([]);
    expect(contract.violations('C', { screen: 'A', data: {} })).toEqual([]);
    expect(contract.violations('A', { screen: 'C', ...ok })).toEqual(['screen: routing_model does not allow A → C']);
    expect(contract.violations('D', { screen: 'A', data: {} })).toEqual(['screen: routing_model does not allow D → A']);
    expect(contract.violations(undefined, { screen: 'C', ...ok })).toEqual([]);
  });

  it('a completion must carry the flow token', () => {
    expect(contract.violations('C', { screen: 'SUCCESS', data: { extension_message_response: { params: { flow_token: 't' } } } })).toEqual([]);
    expect(contract.violations('C', { screen: 'SUCCESS', data: { extension_message_response: { params: {} } } })).toEqual([
      'data.extension_message_response.params.flow_token: required to complete the flow',
    ]);
  });

  it('knows its entry screen', () => {
    expect(contract.entryScreen).toBe('A');
  });
});
