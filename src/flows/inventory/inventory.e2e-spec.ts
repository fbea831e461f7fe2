import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { readFlowJson } from '../../flow-json/files.js';
import { contractErrors } from '../../../test/kit/flow-contract.js';
import type { FlowReply } from '../../../test/kit/flow-test-client.js';
import { startTestApp, type TestApp } from '../../../test/support/test-app.js';

const flowJson = readFlowJson(new URL('./inventory.flow.json', import.meta.url));

describe('inventory flow', () => {
  let test: TestApp;
  let tokens = 0;
  const token = () => `inventory-test-${++tokens}`;

  /** Every reply of this flow must be accepted by the phone: checked on each call. */
  const valid = (reply: FlowReply) => {
    expect(contractErrors(flowJson, reply)).toEqual([]);
    return reply.json;
  };
  const lookup = async (productId: unknown, flowToken = token()) =>
    valid(await test.client.dataExchange('inventory', flowToken, 'INVENTORY', { product_id: productId }));
  /** As on the phone: the token is shown AVAILABILITY for the product first, then reserves from it. */
  const reserve = async (sku: string, quantity: unknown, flowToken = token()) => {
    await lookup(sku, flowToken);
    return valid(await test.client.dataExchange('inventory', flowToken, 'AVAILABILITY', { product_id: sku, quantity }));
  };

  let products = 0;
  /**
   * A product of the calling test's own, with `units` in the local warehouse: tests that reserve
   * change stock, so none of them shares a product with another (they pass alone and in any order).
   */
  async function aProduct(units: number): Promise<string> {
    const sku = `TEST-${++products}`;
    await test.app.get(DataSource).transaction(async (manager) => {
      await manager.query(`INSERT INTO inventory_products (sku, name, price, currency) VALUES ($1, $2, 9.5, 'EUR')`, [sku, `Test lamp ${products}`]);
      await manager.query(`INSERT INTO inventory_stock_levels (sku, warehouse_id, units) VALUES ($1, 'LOCAL', $2)`, [sku, units]);
    });
    return sku;
  }

  beforeAll(async () => {
    // Demo data is applied by the server itself (on the embedded database by default; forced here for Postgres).
    test = await startTestApp({ env: { DEMO_DATA: 'true' } });
  });
  afterAll(async () => test?.close());

  it('the Flow JSON declares every screen key with a type and an example', () => {
    // Data API 4.0 (signed flow tokens) needs Flow JSON 7.3 or later.
    expect(flowJson.version).toBe('7.3');
    expect(flowJson.data_api_version).toBe('4.0');
    for (const screen of flowJson.screens) {
      for (const [key, schema] of Object.entries(screen.data ?? {})) {
        expect([screen.id, key, typeof schema.type, '__example__' in schema]).toEqual([screen.id, key, 'string', true]);
      }
    }
  });

  it('PROD-99 → AVAILABILITY with units_available exactly the number 5, all in the local warehouse', async () => {
    const reply = await lookup('PROD-99');
    expect(reply).toEqual({
      screen: 'AVAILABILITY',
      data: {
        product_id: 'PROD-99',
        product_name: 'Wireless Mouse',
        price: 24.99,
        price_label: '24.99 EUR',
        units_available: 5,
        warehouse: 'Local warehouse',
        in_stock: true,
        stock_summary: '5 units available in Local warehouse',
        warehouses: [{ id: 'LOCAL', title: 'Local warehouse (5)' }],
      },
    });
  });

  it('a token seen for the first time by many concurrent requests opens one session they all use', async () => {
    const first = token();
    const replies = await Promise.all(Array.from({ length: 20 }, () => lookup('PROD-99', first)));
    expect(replies.map((reply) => reply.screen)).toEqual(Array(20).fill('AVAILABILITY'));
  });

  it('ids are matched case-insensitively and trimmed', async () => {
    expect((await lookup('  prod-99 ')).data.units_available).toBe(5);
  });

  it('an out-of-stock product shows in_stock false and no warehouses', async () => {
    const reply = await lookup('PROD-00');
    expect(reply.data).toMatchObject({ units_available: 0, in_stock: false, warehouse: 'None', warehouses: [] });
  });

  it('an unknown id stays on INVENTORY with a readable error', async () => {
    expect(await lookup('PROD-404')).toEqual({
      screen: 'INVENTORY',
      data: { error_message: 'We could not find a product "PROD-404". Check the id and try again.' },
    });
  });

  it.each([[''], ['x'], [42], ['y'.repeat(65)], [null]])('a malformed id (%p) stays on INVENTORY with a readable error', async (id) => {
    const reply = await lookup(id);
    expect(reply.screen).toBe('INVENTORY');
    expect(reply.data.error_message).toBe('Please type a product id, for example PROD-99');
  });

  it('a name prefix search is paginated server-side', async () => {
    const first = await lookup('cable');
    expect(first.screen).toBe('RESULTS');
    expect(first.data.products).toHaveLength(10);
    expect(first.data).toMatchObject({ query: 'cable', page: 0, next_page: 1, has_more: true });
    const seen = new Set<string>(first.data.products.map((p: { id: string }) => p.id));
    let page = first;
    while (page.data.has_more) {
      page = valid(await test.client.dataExchange('inventory', token(), 'RESULTS', { query: 'cable', page: page.data.next_page }));
      expect(page.data.products.length).toBeLessThanOrEqual(10);
      page.data.products.forEach((p: { id: string }) => seen.add(p.id));
    }
    expect(seen.size).toBe(45);
    const picked = valid(await test.client.dataExchange('inventory', token(), 'RESULTS', { product_id: first.data.products[0].id }));
    expect(picked.screen).toBe('AVAILABILITY');
  });

  it('sent with flow_action data_exchange: INIT answers INVENTORY, then lookup and reserve complete the flow', async () => {
    const sku = await aProduct(4);
    const flowToken = token();
    const opened = valid(await test.client.init('inventory', flowToken));
    expect(opened).toEqual({ screen: 'INVENTORY', data: {} });
    expect((await lookup(sku, flowToken)).screen).toBe('AVAILABILITY');
    const done = valid(await test.client.dataExchange('inventory', flowToken, 'AVAILABILITY', { product_id: sku, quantity: 1 }));
    expect(done.data.extension_message_response.params).toMatchObject({ flow_token: flowToken, product_id: sku, quantity: 1 });
  });

  it('reserving completes the flow with the reservation id; the next lookup shows the new stock', async () => {
    const sku = await aProduct(5);
    const flowToken = token();
    expect((await lookup(sku, flowToken)).data.units_available).toBe(5);
    const done = valid(await test.client.dataExchange('inventory', flowToken, 'AVAILABILITY', { product_id: sku, quantity: '2' }));
    expect(done.screen).toBe('SUCCESS');
    const params = done.data.extension_message_response.params;
    expect(params).toEqual({
      flow_token: flowToken,
      reservation_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      product_id: sku,
      quantity: 2,
      warehouse: 'LOCAL',
    });
    // The availability was cached by the first lookup: the reservation must have invalidated it.
    expect((await lookup(sku)).data.units_available).toBe(3);
    // The flow is over for that token.
    expect((await test.client.dataExchange('inventory', flowToken, 'INVENTORY', { product_id: sku })).status).toBe(427);
  });

  it('reserving more than is available stays on AVAILABILITY with current stock and an error', async () => {
    const sku = await aProduct(3);
    const reply = await reserve(sku, 4);
    expect(reply.screen).toBe('AVAILABILITY');
    expect(reply.data.units_available).toBe(3);
    expect(reply.data.error_message).toBe('Only 3 units are available. Please reserve fewer.');
  });

  it('an invalid quantity is a readable error on AVAILABILITY', async () => {
    const sku = await aProduct(5);
    for (const quantity of ['0', 'lots', -1, 1000]) {
      const reply = await reserve(sku, quantity);
      expect([quantity, reply.screen, reply.data.error_message]).toEqual([
        quantity,
        'AVAILABILITY',
        'Please enter how many units to reserve (1 to 100)',
      ]);
    }
    expect((await lookup(sku)).data.units_available).toBe(5);
  });

  it('30 concurrent reservations racing for the last units reserve exactly what is left, never below zero', async () => {
    const sku = await aProduct(3);
    const racers = Array.from({ length: 30 }, (_, i) => `race-${sku}-${i}`);
    for (const racer of racers) await lookup(sku, racer);
    const replies = await Promise.all(
      racers.map((racer) => test.client.dataExchange('inventory', racer, 'AVAILABILITY', { product_id: sku, quantity: 1 })),
    );
    expect(replies.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    replies.forEach(valid);
    const completed = replies.filter((r) => r.json.screen === 'SUCCESS');
    const refused = replies.filter((r) => r.json.screen === 'AVAILABILITY');
    expect(completed).toHaveLength(3);
    expect(refused).toHaveLength(27);
    expect((await lookup(sku)).data.units_available).toBe(0);
    const [{ reserved }] = await test.app
      .get(DataSource)
      .query(`SELECT sum(quantity)::int AS reserved FROM inventory_reservations WHERE sku = $1`, [sku]);
    expect(reserved).toBe(3);
  });
  describe('one reservation per flow token, whatever arrives at the same time', () => {
    /** A product of its own with `units` in the local warehouse. */
    const freshProduct = async (units: number) => {
      const sku = `CLAIM-${randomBytes(4).toString('hex').toUpperCase()}`;
      const db = test.app.get(DataSource);
      await db.query(`INSERT INTO inventory_products (sku, name, price, currency) VALUES ($1, 'Claim test', 1, 'EUR')`, [sku]);
      await db.query(`INSERT INTO inventory_stock_levels (sku, warehouse_id, units) VALUES ($1, 'LOCAL', $2)`, [sku, units]);
      return sku;
    };
    const stockAndReservations = async (sku: string, flowToken: string) => {
      const db = test.app.get(DataSource);
      const [{ units }] = await db.query('SELECT units FROM inventory_stock_levels WHERE sku = $1', [sku]);
      const reservations = await db.query('SELECT quantity FROM inventory_reservations WHERE sku = $1 AND flow_token = $2', [sku, flowToken]);
      return { units, reserved: reservations.map((row: { quantity: number }) => row.quantity) };
    };
    // Each copy is encrypted afresh (its own AES key and IV), as two taps on the phone would be.
    const reserveOn = (flowToken: string, sku: string, quantity: number) =>
      test.client.dataExchange('inventory', flowToken, 'AVAILABILITY', { product_id: sku, quantity });

    it.each([8, 32])('%i identical "reserve 1" requests on one token: one SUCCESS, stock down by exactly one', async (copies) => {
      const sku = await freshProduct(100);
      const flowToken = token();
      await lookup(sku, flowToken);
      const replies = await Promise.all(Array.from({ length: copies }, () => reserveOn(flowToken, sku, 1)));
      const successes = replies.filter((reply) => reply.status === 200 && reply.json.screen === 'SUCCESS');
      expect(successes).toHaveLength(1);
      valid(successes[0]);
      expect(replies.filter((reply) => reply.status === 427)).toHaveLength(copies - 1);
      expect(await stockAndReservations(sku, flowToken)).toEqual({ units: 99, reserved: [1] });
    });

    it.each([8, 32])(
      '%i different requests on one token (reservations of 1 to 4, lookups): one reservation, the one that completed',
      async (count) => {
        const sku = await freshProduct(100);
        const flowToken = token();
        await lookup(sku, flowToken);
        const replies = await Promise.all(
          Array.from({ length: count }, (_, i) =>
            i % 5 === 4 ? test.client.dataExchange('inventory', flowToken, 'INVENTORY', { product_id: sku }) : reserveOn(flowToken, sku, (i % 5) + 1),
          ),
        );
        const successes = replies.filter((reply) => reply.status === 200 && reply.json.screen === 'SUCCESS');
        expect(successes).toHaveLength(1);
        const { quantity } = (successes[0].json.data.extension_message_response as { params: { quantity: number } }).params;
        expect(await stockAndReservations(sku, flowToken)).toEqual({ units: 100 - quantity, reserved: [quantity] });
        // The rest were answered before the completion (a lookup) or refused after it.
        for (const reply of replies.filter((r) => r !== successes[0])) {
          expect(reply.status === 427 || reply.json.screen === 'AVAILABILITY').toBe(true);
        }
      },
    );
  });
});
