import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import type { OwnedDatabase } from '../support/owned-database.js';
import { eventually, sleep } from '../support/eventually.js';
import { flowgateEnv, startFlowgate, stopFlowgate, type FlowgateProcess } from './support/flowgate-process.js';
import { startLoad, tally } from './support/load-driver.js';
import { startOwnedPostgres } from './support/owned-postgres.js';
import { createEffectsTable, effectsByMessage, issueToken, messageIdOf, nfmReply, postWebhook } from './support/webhooks.js';

const ready = (url: string) => fetch(`${url}/health/ready`).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

describe('Postgres restarted under load', () => {
  let database: OwnedDatabase;
  let sql: pg.Pool;
  let server: FlowgateProcess;
  let client: FlowTestClient;
  const keys = generateTestKeyPair();
  const appSecret = generateAppSecret();

  beforeAll(async () => {
    database = await startOwnedPostgres();
    sql = new pg.Pool({ connectionString: database.url, max: 2 });
    sql.on('error', () => undefined);
    server = await startFlowgate(flowgateEnv({ databaseUrl: database.url, privateKeyPem: keys.privatePem, appSecret }));
    await createEffectsTable(sql);
    client = new FlowTestClient({ baseUrl: server.url, publicKey: keys.publicPem, appSecret });
  }, 120_000);

  afterAll(async () => {
    await stopFlowgate(server);
    await sql?.end();
    await database?.destroy();
  });

  it('flow requests get error screens, ready goes 503, webhooks get 503 and nothing acknowledged is lost; all recovers by itself', async () => {
    const tokens = await Promise.all(Array.from({ length: 200 }, () => issueToken(sql)));
    const load = startLoad({
      concurrency: 6,
      send: () => client.dataExchange('inventory', `load-${randomBytes(8).toString('hex')}`, 'INVENTORY', { product_id: 'PROD-99' }),
    });
    // Webhooks keep arriving, one at a time, for the whole test.
    const webhookAnswers: Array<{ payload: ReturnType<typeof nfmReply>; status: number }> = [];
    let postingWebhooks = true;
    const poster = (async () => {
      for (const token of tokens) {
        if (!postingWebhooks) break;
        const payload = nfmReply(token, { plan: 'outage' });
        webhookAnswers.push({ payload, status: await postWebhook(server.url, appSecret, payload) });
        await sleep(20);
      }
    })();

    await sleep(1_500);
    await database.stop();
    const down = await eventually(
      () => ready(server.url),
      (r) => r?.status === 503,
      20_000,
    );
    await sleep(2_000);
    const answersWhileDown = load.records.length;
    await database.start();

    const recovered = await eventually(
      () => ready(server.url),
      (r) => r?.status === 200,
      60_000,
      250,
    );
    const afterRecovery = await eventually(
      () => client.dataExchange('inventory', `probe-${randomBytes(8).toString('hex')}`, 'INVENTORY', { product_id: 'PROD-99' }),
      (reply) => reply?.json?.screen === 'AVAILABILITY',
      60_000,
      250,
    );
    await sleep(1_000);
    postingWebhooks = false;
    await poster;
    const records = await load.stop();

    // Readiness followed the database, and came back without a restart.
    expect(down?.status).toBe(503);
    expect(down?.body.error.database.status).toBe('down');
    expect(recovered?.status).toBe(200);
    expect(afterRecovery?.json?.screen).toBe('AVAILABILITY');
    expect(server.child.exitCode).toBeNull();

    // Every flow request got a decryptable 200: the product, or a readable error on the screen the user is on.
    const counts = tally(records);
    expect(Object.keys(counts).sort()).toEqual(['error_screen', 'ok']);
    expect(answersWhileDown).toBeGreaterThan(0);
    for (const record of records.filter((r) => r.outcome === 'error_screen')) {
      expect(record.json.screen).toBe('INVENTORY');
      expect(record.json.data.error_message.length).toBeGreaterThan(0);
    }
    const lastError = Math.max(...records.filter((r) => r.outcome === 'error_screen').map((r) => r.endedAt));
    expect(records.some((r) => r.outcome === 'ok' && r.startedAt > lastError)).toBe(true);

    // Webhooks: 200 (stored) or 503 (WhatsApp retries), nothing else; every 200 is in the table.
    const statuses = new Set(webhookAnswers.map((a) => a.status));
    expect([...statuses].every((s) => s === 200 || s === 503)).toBe(true);
    const refused = webhookAnswers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    const acknowledged = webhookAnswers.filter((a) => a.status === 200).map((a) => messageIdOf(a.payload));
    const stored = await sql.query('SELECT dedupe_key FROM webhook_events WHERE dedupe_key = ANY($1)', [acknowledged]);
    expect(stored.rowCount).toBe(acknowledged.length);

    // WhatsApp retries the refused ones: now they are stored too.
    for (const { payload } of refused) expect(await postWebhook(server.url, appSecret, payload)).toBe(200);
    const all = webhookAnswers.map((a) => messageIdOf(a.payload));
    const processed = await eventually(
      async () =>
        (await sql.query(`SELECT count(*)::int AS n FROM webhook_events WHERE dedupe_key = ANY($1) AND status = 'processed'`, [all])).rows[0].n,
      (n) => n === all.length,
      60_000,
      250,
    );
    expect(processed).toBe(all.length);
    const effects = await effectsByMessage(sql, all);
    expect(all.filter((id) => effects.get(id) !== 1)).toEqual([]);
  }, 180_000);
});
