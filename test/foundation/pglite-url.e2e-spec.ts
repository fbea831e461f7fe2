import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PGlite } from '@electric-sql/pglite';
import { PGliteServer } from '../../src/database/pglite-server.js';
import { createInMemory } from '../../src/database/pglite-template.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Several processes on a machine without Postgres share a PGlite served on a port (DATABASE_URL names
 * it). One backend serves every connection there: a statement name prepared by one connection is
 * taken for all, so the session statements must go unnamed, as on the embedded database.
 */
describe('DATABASE_URL naming a PGlite served on a port', () => {
  let db: PGlite;
  let server: PGliteServer;
  let test: TestApp;

  beforeAll(async () => {
    db = await createInMemory();
    server = new PGliteServer(db);
    await server.listen();
    test = await startTestApp({
      database: { env: { DATABASE_URL: server.url, EMBEDDED_DB_DIR: undefined, DEMO_DATA: 'true' }, drop: async () => undefined },
    });
  }, 120_000);
  afterAll(async () => {
    await test?.close();
    await server?.close();
    await db?.close();
  });

  it('answers simultaneous requests on several connections, each with its screen', async () => {
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) => test.client.dataExchange('inventory', `pglite-url-${i % 3}`, 'INVENTORY', { product_id: 'PROD-99' })),
    );
    expect(replies.map((reply) => [reply.status, reply.json.data.product_id])).toEqual(Array(12).fill([200, 'PROD-99']));
  });
});
