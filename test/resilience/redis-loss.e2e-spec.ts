import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import type { OwnedDatabase } from '../support/owned-database.js';
import { eventually, sleep } from '../support/eventually.js';
import { flowgateEnv, startFlowgate, stopFlowgate, type FlowgateProcess } from './support/flowgate-process.js';
import { startLoad, tally } from './support/load-driver.js';
import { startOwnedPostgres } from './support/owned-postgres.js';
import { startOwnedRedis, type OwnedRedis } from './support/owned-redis.js';

const ready = (url: string) => fetch(`${url}/health/ready`).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

/** Keys the cache holds in Redis for a product's availability. */
const cachedAvailability = (redisUrl: string) => {
  const { port } = new URL(redisUrl);
  const out = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', port, '--scan', '--pattern', '*inventory:availability:PROD-99*'], {
    encoding: 'utf8',
  });
  return out.stdout.trim().split('\n').filter(Boolean);
};

describe('Redis lost under load (cache on Redis, queue on Postgres)', () => {
  let database: OwnedDatabase;
  let redis: OwnedRedis;
  let server: FlowgateProcess;
  let client: FlowTestClient;
  const keys = generateTestKeyPair();
  const appSecret = generateAppSecret();

  beforeAll(async () => {
    database = await startOwnedPostgres();
    redis = await startOwnedRedis();
    server = await startFlowgate({
      ...flowgateEnv({ databaseUrl: database.url, privateKeyPem: keys.privatePem, appSecret, redisUrl: redis.url, queueBackend: 'postgres' }),
      // Long enough that a cache hit, not a database read, answers most lookups.
      INVENTORY_CACHE_TTL_MS: '600000',
    });
    client = new FlowTestClient({ baseUrl: server.url, publicKey: keys.publicPem, appSecret });
  }, 120_000);

  afterAll(async () => {
    await stopFlowgate(server);
    await redis?.destroy();
    await database?.destroy();
  });

  it('no flow request fails, ready stays 200 with the cache degraded, and the cache is used again when Redis is back', async () => {
    const lookup = () => client.dataExchange('inventory', `load-${randomBytes(8).toString('hex')}`, 'INVENTORY', { product_id: 'PROD-99' });
    expect((await lookup()).json?.screen).toBe('AVAILABILITY');
    expect(cachedAvailability(redis.url)).toHaveLength(1);

    const load = startLoad({ concurrency: 6, send: lookup });
    await sleep(1_000);
    await redis.stop();
    const degraded = await eventually(
      () => ready(server.url),
      (r) => r?.body?.details?.cache?.status === 'degraded',
      20_000,
      250,
    );
    await sleep(2_500);
    const answeredWhileDown = load.records.filter((r) => r.startedAt > Date.now() - 2_500).length;
    await redis.start();
    const back = await eventually(
      () => ready(server.url),
      (r) => r?.body?.details?.cache?.status === 'up',
      30_000,
      250,
    );
    await sleep(1_000);
    const records = await load.stop();

    expect(degraded?.status).toBe(200);
    expect(degraded?.body.details.database.status).toBe('up');
    expect(back?.status).toBe(200);
    expect(answeredWhileDown).toBeGreaterThan(0);
    // Every lookup found the product: from the cache, or from the database while Redis was gone.
    expect(tally(records)).toEqual({ ok: records.length });
    expect(records.every((r) => r.json.screen === 'AVAILABILITY' && r.json.data.units_available === 5)).toBe(true);

    // The fresh Redis is empty; the next lookup fills it again.
    expect((await lookup()).json?.screen).toBe('AVAILABILITY');
    expect(
      await eventually(
        async () => cachedAvailability(redis.url),
        (found) => found.length === 1,
        10_000,
      ),
    ).toHaveLength(1);
  }, 120_000);
});
