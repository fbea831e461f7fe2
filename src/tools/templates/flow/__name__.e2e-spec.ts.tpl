import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFlowJson } from '../../flow-json/files.js';
import { contractErrors } from '../../../test/kit/flow-contract.js';
import { startTestApp, type TestApp } from '../../../test/support/test-app.js';

const flowJson = readFlowJson(new URL('./__name__.flow.json', import.meta.url));

describe('__name__ flow', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(async () => test?.close());

  it('greets the user, then completes with their name', async () => {
    const greeting = await test.client.dataExchange('__name__', 'token-1', 'START', { name: 'Maria' });
    expect(contractErrors(flowJson, greeting)).toEqual([]);
    expect(greeting.json).toEqual({ screen: 'RESULT', data: { greeting: 'Hello, Maria!' } });

    const done = await test.client.dataExchange('__name__', 'token-1', 'RESULT', { done: true });
    expect(contractErrors(flowJson, done)).toEqual([]);
    expect(done.json.data.extension_message_response.params).toEqual({ name: 'Maria', flow_token: 'token-1' });
  });

  it('an empty name stays on START with a readable error', async () => {
    const reply = await test.client.dataExchange('__name__', 'token-2', 'START', { name: '' });
    expect(reply.json).toEqual({ screen: 'START', data: { error_message: 'Please enter your name (up to 80 characters)' } });
  });
});
