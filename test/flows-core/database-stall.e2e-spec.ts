import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { USER_MESSAGES } from '../../src/flows-core/routing/flow-router.js';
import { eventually } from '../support/eventually.js';
import { usingRealPostgres } from '../support/test-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestFlowsModule } from './fixtures/test-flows.js';

const BUDGET_MS = 1_000;
const IDLE_IN_TRANSACTION_MS = 2_500;
const STATEMENT_MS = 4_000;

/**
 * A client that opens a transaction and goes idle (holding the embedded database, or a row lock on
 * Postgres) costs flow requests their step, never their answer: "try again" comes within the
 * budget, the work of a late request is rolled back, and the server recovers by itself.
 */
describe('a stalled database never outlasts the response budget', () => {
  let test: TestApp;
  let db: DataSource;
  const clients: pg.Client[] = [];
  const token = () => `stall-${randomBytes(6).toString('hex')}`;
  const count = (flowToken: string) => test.client.dataExchange('echo', flowToken, 'COUNT', {});
  // The session could not be read in time, so the data last sent for the screen cannot be repeated.
  const slow = (data: Record<string, unknown>) => ({ screen: 'COUNT', data: { ...data, error_message: USER_MESSAGES.slow } });

  /** Another client of the same database that opens a transaction, runs `sql` and goes idle. */
  const stall = async (sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: (db.options as { url: string }).url });
    client.on('error', () => undefined);
    clients.push(client);
    await client.connect();
    await client.query('BEGIN');
    await client.query(sql, params);
    return client;
  };

  beforeAll(async () => {
    test = await startTestApp({
      modules: [TestFlowsModule],
      env: {
        FLOW_RESPONSE_BUDGET_MS: String(BUDGET_MS),
        DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: String(IDLE_IN_TRANSACTION_MS),
        DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_MS),
        DEMO_DATA: 'true', // the inventory flow's warehouses
      },
    });
    db = test.app.get(DataSource);
    // The pool's first connections take longer than this short budget to open on a busy machine.
    await eventually(
      () => count(token()),
      (reply) => reply?.json.data.error_message === undefined,
      15_000,
    );
    await Promise.all(Array.from({ length: 4 }, () => count(token())));
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    await test?.close();
  });

  (usingRealPostgres() ? describe.skip : describe)('on the embedded database', () => {
    it('a client idle inside a transaction: "try again" within the budget, then the server drops it and recovers', async () => {
      const flowToken = token();
      expect((await count(flowToken)).json).toEqual({ screen: 'COUNT', data: { count: 1 } });
      const idle = await stall('SELECT 1');
      // The session lookup waits for the database: the budget answers, not the stalled client.
      expect((await count(flowToken)).json).toEqual(slow({}));
      expect((await count(token())).json).toEqual(slow({}));
      // Past its idle limit the client is dropped and its transaction rolled back; requests are served
      // again, and the requests answered "try again" committed nothing (the count goes on from 1).
      const next = await eventually(
        () => count(flowToken),
        (reply) => reply?.status === 200 && reply.json.data.error_message === undefined,
        15_000,
      );
      expect(next.json).toEqual({ screen: 'COUNT', data: { count: 2 } });
      await expect(idle.query('SELECT 1')).rejects.toThrow();
    });

    it('a stalled client that ends its transaction frees the database at once', async () => {
      const flowToken = token();
      const idle = await stall('SELECT 1');
      expect((await count(flowToken)).json).toEqual(slow({}));
      await idle.query('ROLLBACK');
      await idle.end();
      const next = await eventually(
        () => count(flowToken),
        (reply) => reply?.status === 200 && reply.json.data.error_message === undefined,
        15_000,
      );
      expect(next.json).toEqual({ screen: 'COUNT', data: { count: 1 } });
    });
  });

  (usingRealPostgres() ? describe : describe.skip)('on Postgres', () => {
    it('every connection of the app carries the statement and idle-in-transaction timeouts', async () => {
      const [{ statement_timeout }] = await db.query('SHOW statement_timeout');
      const [{ idle_in_transaction_session_timeout }] = await db.query('SHOW idle_in_transaction_session_timeout');
      expect([statement_timeout, idle_in_transaction_session_timeout]).toEqual(['4s', '2500ms']);
    });

    it('a session row locked by an idle transaction: "try again" within the budget, the late work never commits', async () => {
      const flowToken = token();
      expect((await count(flowToken)).json).toEqual({ screen: 'COUNT', data: { count: 1 } });
      const locker = await stall('SELECT 1 FROM flow_sessions WHERE token = $1 FOR UPDATE', [flowToken]);
      expect((await count(flowToken)).json).toEqual(slow({}));
      // Other tokens are served meanwhile.
      expect((await count(token())).json).toEqual({ screen: 'COUNT', data: { count: 1 } });
      await locker.query('ROLLBACK');
      const next = await eventually(
        () => count(flowToken),
        (reply) => reply?.status === 200 && reply.json.data.error_message === undefined,
        15_000,
      );
      expect(next.json).toEqual({ screen: 'COUNT', data: { count: 2 } });
    });

    it('a stock row locked by an idle transaction: the reservation is answered "try again" and, once the lock goes, never commits', async () => {
      const sku = `STALL-${randomBytes(4).toString('hex').toUpperCase()}`;
      await db.query(`INSERT INTO inventory_products (sku, name, price, currency) VALUES ($1, 'Stall test', 1, 'EUR')`, [sku]);
      await db.query(`INSERT INTO inventory_stock_levels (sku, warehouse_id, units) VALUES ($1, 'LOCAL', 10)`, [sku]);
      const flowToken = token();
      const reserve = () => test.client.dataExchange('inventory', flowToken, 'AVAILABILITY', { product_id: sku, quantity: 1 });
      const locker = await stall('SELECT 1 FROM inventory_stock_levels WHERE sku = $1 FOR UPDATE', [sku]);
      const stalled = await reserve();
      expect([stalled.status, stalled.json.screen, stalled.json.data.error_message]).toEqual([200, 'AVAILABILITY', USER_MESSAGES.slow]);
      await locker.query('ROLLBACK');
      // The late reservation got the row after the answer went out: it was rolled back, the token is still open.
      const done = await eventually(reserve, (reply) => reply?.json.screen === 'SUCCESS', 15_000);
      expect(done.status).toBe(200);
      const [{ units }] = await db.query('SELECT units FROM inventory_stock_levels WHERE sku = $1', [sku]);
      const reservations = await db.query('SELECT quantity FROM inventory_reservations WHERE flow_token = $1', [flowToken]);
      expect([units, reservations]).toEqual([9, [{ quantity: 1 }]]);
    });

    it("a transaction of the app's own left idle is ended by Postgres, and its row lock with it", async () => {
      const flowToken = token();
      expect((await count(flowToken)).json).toEqual({ screen: 'COUNT', data: { count: 1 } });
      const leaked = db.createQueryRunner();
      await leaked.startTransaction();
      await leaked.query('SELECT 1 FROM flow_sessions WHERE token = $1 FOR UPDATE', [flowToken]);
      expect((await count(flowToken)).json).toEqual(slow({}));
      const next = await eventually(
        () => count(flowToken),
        (reply) => reply?.status === 200 && reply.json.data.error_message === undefined,
        15_000,
      );
      expect(next.json).toEqual({ screen: 'COUNT', data: { count: 2 } });
      await expect(leaked.query('SELECT 1')).rejects.toThrow();
      await leaked.release();
    });
  });
});
