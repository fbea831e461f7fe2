import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import type { OwnedDatabase } from '../support/owned-database.js';
import { eventually, within } from '../support/eventually.js';
import { flowgateEnv, startFlowgate, stopFlowgate, type FlowgateProcess } from './support/flowgate-process.js';
import { startOwnedPostgres } from './support/owned-postgres.js';
import { startOwnedRedis, type OwnedRedis } from './support/owned-redis.js';
import { createEffectsTable, effectsByMessage, issueToken, messageIdOf, nfmReply, postWebhook } from './support/webhooks.js';

/** WhatsApp gives up on a webhook delivery after a while and retries; an answer must come before. */
const DELIVERY_PATIENCE_MS = 20_000;

describe('Redis lost with the webhook queue on Redis', () => {
  let database: OwnedDatabase;
  let redis: OwnedRedis;
  let sql: pg.Pool;
  let server: FlowgateProcess;
  const keys = generateTestKeyPair();
  const appSecret = generateAppSecret();

  beforeAll(async () => {
    database = await startOwnedPostgres();
    redis = await startOwnedRedis();
    sql = new pg.Pool({ connectionString: database.url, max: 2 });
    sql.on('error', () => undefined);
    await createEffectsTable(sql);
    server = await startFlowgate(
      flowgateEnv({ databaseUrl: database.url, privateKeyPem: keys.privatePem, appSecret, redisUrl: redis.url, queueBackend: 'redis' }),
    );
  }, 120_000);

  afterAll(async () => {
    await stopFlowgate(server);
    await sql?.end();
    await redis?.destroy();
    await database?.destroy();
  });

  it('webhooks are still answered and stored; once Redis is back each takes effect once', async () => {
    const tokens = await Promise.all(Array.from({ length: 10 }, () => issueToken(sql)));
    const payloads = tokens.map((token) => nfmReply(token, { plan: 'queue-outage' }));
    const ids = payloads.map(messageIdOf);

    await redis.stop();
    const answers = await Promise.all(
      payloads.map((payload) => within(postWebhook(server.url, appSecret, payload), DELIVERY_PATIENCE_MS, 'no answer')),
    );
    // Stored in Postgres: acknowledged even though the queue is unreachable (the reconciler queues them later).
    expect(answers).toEqual(Array(payloads.length).fill(200));
    const stored = await sql.query('SELECT count(*)::int AS n FROM webhook_events WHERE dedupe_key = ANY($1)', [ids]);
    expect(stored.rows[0].n).toBe(ids.length);

    await redis.start();
    const processed = await eventually(
      async () =>
        (await sql.query(`SELECT count(*)::int AS n FROM webhook_events WHERE dedupe_key = ANY($1) AND status = 'processed'`, [ids])).rows[0].n,
      (n) => n === ids.length,
      60_000,
      250,
    );
    expect(processed).toBe(ids.length);
    const effects = await effectsByMessage(sql, ids);
    expect(ids.filter((id) => effects.get(id) !== 1)).toEqual([]);
  }, 120_000);
});
