import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { USER_MESSAGES } from '../../src/flows-core/routing/flow-router.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestFlowsModule } from './fixtures/test-flows.js';

describe('replies are checked against the Flow JSON', () => {
  let test: TestApp;
  let errors: ReturnType<typeof jest.spyOn>;

  beforeAll(async () => {
    test = await startTestApp({ modules: [TestFlowsModule] });
  });
  afterAll(async () => test?.close());
  beforeEach(() => {
    errors = jest.spyOn(Logger.prototype, 'error');
  });
  afterEach(() => errors.mockRestore());

  const logged = () => errors.mock.calls.map((call: unknown[]) => String(call[0])).join('\n');
  const broken = (mode: string) => test.client.dataExchange('echo', `contract-${mode}`, 'BROKEN', { mode });

  it('enforce (the default outside production): a wrong type deep in an array is caught, named by its path', async () => {
    const reply = await broken('types');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ screen: 'BROKEN', data: { error_message: USER_MESSAGES.unexpected } });
    expect(logged()).toContain('data.items[2].price: expected string, got number');
    expect(logged()).toContain('EchoFlow.broken');
  });

  it('a string where an array is declared', async () => {
    const reply = await broken('not-array');
    expect(reply.json.data.error_message).toBe(USER_MESSAGES.unexpected);
    expect(logged()).toContain('data.items: expected array, got string');
  });

  it('a screen that does not exist', async () => {
    await broken('unknown-screen');
    expect(logged()).toContain('screen: "NOWHERE" is not a screen of this flow');
  });

  it('a transition routing_model does not allow', async () => {
    const reply = await broken('transition');
    expect(reply.json.screen).toBe('BROKEN');
    expect(logged()).toContain('routing_model does not allow BROKEN → ECHO');
  });

  it('going back to a screen the user came through is allowed', async () => {
    const reply = await broken('back');
    expect(reply.json).toEqual({ screen: 'START', data: { greeting: 'x', token_length: 1, came_back_from: 'BROKEN' } });
    expect(logged()).toBe('');
  });

  it('log mode logs the violation and still answers', async () => {
    const lenient = await startTestApp({ modules: [TestFlowsModule], env: { FLOW_CONTRACT_CHECK: 'log' } });
    try {
      const reply = await lenient.client.dataExchange('echo', 'contract-log', 'BROKEN', { mode: 'not-array' });
      expect(reply.json).toEqual({ screen: 'BROKEN', data: { items: 'three items' } });
      expect(logged()).toContain('data.items: expected array, got string');
    } finally {
      await lenient.close();
    }
  });
});
