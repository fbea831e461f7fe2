// The inventory flow's handlers without HTTP, signature or crypto: dispatchFlow() runs them as the data
// endpoint does after decrypting a request (session, transaction, validation, contract check).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dispatchFlow } from '../../flows-core/testing.js';
import { startTestModule, type TestModule } from '../../../test/support/test-module.js';
import { InventoryFlowModule } from './index.js';

describe('inventory flow handlers (dispatchFlow)', () => {
  let test: TestModule;

  beforeAll(async () => {
    test = await startTestModule([InventoryFlowModule], { env: { DEMO_DATA: 'true' } });
  });
  afterAll(async () => test?.close());

  it('INIT (the flow sent with flow_action data_exchange) answers the INVENTORY screen', async () => {
    await expect(dispatchFlow(test.moduleRef, 'inventory', { action: 'INIT' })).resolves.toEqual({ screen: 'INVENTORY', data: {} });
  });

  it('a product id answers its availability', async () => {
    const reply = await dispatchFlow(test.moduleRef, 'inventory', { action: 'data_exchange', screen: 'INVENTORY', data: { product_id: 'prod-99' } });
    expect(reply.screen).toBe('AVAILABILITY');
    expect(reply.data).toMatchObject({ product_id: 'PROD-99', units_available: 5, in_stock: true });
  });

  it('input the DTO refuses stays on the screen with its message', async () => {
    const reply = await dispatchFlow(test.moduleRef, 'inventory', { action: 'data_exchange', screen: 'INVENTORY', data: { product_id: '' } });
    expect(reply).toEqual({ screen: 'INVENTORY', data: { error_message: 'Please type a product id, for example PROD-99' } });
  });

  it('one flow token is one session: look up, then reserve, and the flow completes', async () => {
    const flow_token = `dispatch-${Date.now()}`;
    await dispatchFlow(test.moduleRef, 'inventory', { action: 'data_exchange', screen: 'INVENTORY', data: { product_id: 'PROD-99' }, flow_token });
    const done = await dispatchFlow(test.moduleRef, 'inventory', {
      action: 'data_exchange',
      screen: 'AVAILABILITY',
      data: { product_id: 'PROD-99', quantity: 1 },
      flow_token,
    });
    expect(done.screen).toBe('SUCCESS');
    expect(done.data).toMatchObject({ extension_message_response: { params: { product_id: 'PROD-99', quantity: 1, flow_token } } });
  });

  it('ping is answered; a flow the module does not hold is an error naming the ones it does', async () => {
    await expect(dispatchFlow(test.moduleRef, 'inventory', { action: 'ping' })).resolves.toEqual({ data: { status: 'active' } });
    await expect(dispatchFlow(test.moduleRef, 'nope', { action: 'INIT' })).rejects.toThrow('No flow named "nope" in this module (flows: inventory)');
  });
});
