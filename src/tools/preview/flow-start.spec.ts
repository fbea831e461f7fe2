import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { FlowJson } from '../../flow-json/index.js';
import { entryScreen, flowStart } from './flow-start.js';

const root = join(import.meta.dirname, '../../..');
const read = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8')) as FlowJson;
const flow = (name: string) => read(`src/flows/${name}/${name}.flow.json`);
const fixture = (name: string) => read(`test/fixtures/flow-json/valid/${name}.json`);

describe('how a flow starts, from its Flow JSON', () => {
  it('a first screen that declares data in a flow with an endpoint starts with INIT', () => {
    expect(flowStart(flow('appointments'))).toMatchObject({ action: 'INIT', screen: 'SERVICE' });
    expect(flowStart(flow('returns'))).toMatchObject({ action: 'INIT', screen: 'CHOOSE' });
    expect(flowStart(fixture('hotel-booking-6.1'))).toMatchObject({ action: 'INIT', screen: 'STAY' });
    expect(flowStart(flow('appointments')).reason).toContain('declares data (services, dates)');
  });

  it('a first screen without data opens as a navigate send opens it: no INIT (inventory has no INIT handler)', () => {
    const start = flowStart(flow('inventory'));
    expect(start).toMatchObject({ action: 'navigate', screen: 'INVENTORY' });
    expect(start.reason).toContain('INVENTORY declares no data');
    expect(flowStart(fixture('catalog-navigation-list-6.2'))).toMatchObject({ action: 'navigate', screen: 'CATEGORIES' });
  });

  it('a flow without a data endpoint never starts with INIT', () => {
    expect(flowStart(fixture('interests-chips-6.3'))).toMatchObject({ action: 'navigate', screen: 'INTERESTS' });
    const withData: FlowJson = {
      version: '7.3',
      screens: [{ id: 'HELLO', data: { name: { type: 'string', __example__: 'Ana' } }, layout: { type: 'SingleColumnLayout', children: [] } }],
    };
    expect(flowStart(withData)).toMatchObject({ action: 'navigate', screen: 'HELLO' });
    expect(flowStart(withData).reason).toContain('comes with the message');
  });

  it('the entry screen: no routing_model edge leads to it, or (no endpoint) no navigate action', () => {
    expect(entryScreen(flow('inventory'))).toBe('INVENTORY');
    expect(entryScreen(fixture('terms-richtext-5.1'))).toBe('WELCOME');
    const reordered = fixture('property-tour-carousel-7.1');
    reordered.screens.reverse(); // VISIT first in the file, but TOUR's Footer navigates to it
    expect(entryScreen(reordered)).toBe('TOUR');
  });
});
