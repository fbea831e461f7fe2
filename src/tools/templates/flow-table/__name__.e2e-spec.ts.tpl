import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { readFlowJson } from '../../flow-json/files.js';
import { contractErrors } from '../../../test/kit/flow-contract.js';
import { startTestApp, type TestApp } from '../../../test/support/test-app.js';
import { __Entity__ } from './entities/__entity__.entity.js';

const flowJson = readFlowJson(new URL('./__name__.flow.json', import.meta.url));

// On the embedded database, or on a fresh Postgres database when DATABASE_URL is set: the migration runs at start.
describe('__name__ flow', () => {
  let test: TestApp;
  let rows: () => Promise<__Entity__[]>;

  beforeAll(async () => {
    test = await startTestApp({ env: { DEMO_DATA: 'true' } });
    const repository = test.app.get(DataSource).getRepository(__Entity__);
    rows = () => repository.find({ order: { createdAt: 'ASC' } });
  });
  afterAll(async () => test?.close());

  it('greets the user, keeps the visit in __table__, then completes with their name', async () => {
    const greeting = await test.client.dataExchange('__name__', 'token-1', 'START', { name: 'Maria' });
    expect(contractErrors(flowJson, greeting)).toEqual([]);
    expect(greeting.json).toEqual({ screen: 'RESULT', data: { greeting: 'Hello, Maria!' } });
    expect((await rows()).map((row) => [row.name, row.flowToken])).toContainEqual(['Maria', 'token-1']);

    const done = await test.client.dataExchange('__name__', 'token-1', 'RESULT', { done: true });
    expect(contractErrors(flowJson, done)).toEqual([]);
    expect(done.json.data.extension_message_response.params).toEqual({ name: 'Maria', flow_token: 'token-1' });
  });

  it('an empty name stays on START with a readable error', async () => {
    const reply = await test.client.dataExchange('__name__', 'token-2', 'START', { name: '' });
    expect(reply.json).toEqual({ screen: 'START', data: { error_message: 'Please enter your name (up to 80 characters)' } });
  });

  it('has its demo data', async () => {
    expect((await rows()).map((row) => row.name)).toContain('Demo visitor');
  });
});
