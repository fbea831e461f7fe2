import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { handledScreens, TestFlowsModule } from './fixtures/test-flows.js';

/** One value of each JSON type. */
const JSON_TYPES: Array<[string, unknown]> = [
  ['number', 3],
  ['boolean', true],
  ['null', null],
  ['array', ['START']],
  ['object', { value: 'START' }],
  ['string', 'START'],
];

const valid = { version: '3.0', action: 'data_exchange', screen: 'START', data: { text: 'hi' }, flow_token: 'fields-token' };

describe('flow data endpoint: the decrypted request is typed before anything routes on it', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await startTestApp({ modules: [TestFlowsModule] });
  });
  afterAll(async () => test?.close());

  it('a valid request reaches the START handler (the baseline the cases below differ from)', async () => {
    handledScreens.length = 0;
    const reply = await test.client.send('echo', valid);
    expect(reply.json).toEqual({ screen: 'ECHO', data: { text: 'hi', length: 2 } });
    expect(handledScreens).toEqual(['START']);
  });

  it('screen ["START"] is a 400, never a call of the START handler', async () => {
    handledScreens.length = 0;
    const reply = await test.client.send('echo', { ...valid, screen: ['START'] });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.text).message).toBe('screen must be a string, got an array');
    expect(handledScreens).toEqual([]);
  });

  // Every field with every JSON type: strings pass (where the value is meaningful), null means absent
  // for screen, flow_token and data, and anything else is a 400 naming the field; the handler never runs
  // on a value that is not what its field should be.
  const fields = ['version', 'action', 'screen', 'flow_token', 'flow_token_signature', 'data'] as const;
  const cases = fields.flatMap((field) => JSON_TYPES.map(([type, value]) => [field, type, value] as const));

  it.each(cases)('%s as %s', async (field, type, value) => {
    handledScreens.length = 0;
    const reply = await test.client.send('echo', { ...valid, flow_token: `fields-${field}-${type}`, [field]: value });
    const wanted = field === 'data' ? 'object' : 'string';
    if (type === wanted) {
      // Right type: the request is served (the value itself may still be refused, never with a crash);
      // "START" is no JWT: a flow_token_signature that is not one of the token is a 427, before any handler.
      if (field === 'flow_token_signature') {
        expect([reply.status, handledScreens]).toEqual([427, []]);
        return;
      }
      expect([200, 400]).toContain(reply.status);
      return;
    }
    if (type === 'null' && (field === 'screen' || field === 'flow_token' || field === 'data')) {
      // Absent: no screen → no handler (an error screen); no token → 427; no data → the DTO's message.
      expect(handledScreens).toEqual([]);
      if (field === 'flow_token') expect(reply.status).toBe(427);
      else {
        expect(reply.status).toBe(200);
        expect(reply.json.data.error_message).toEqual(expect.any(String));
      }
      return;
    }
    expect([field, reply.status]).toEqual([field, 400]);
    expect(JSON.parse(reply.text).message).toMatch(new RegExp(`^${field} must be`));
    expect(handledScreens).toEqual([]);
  });
});
