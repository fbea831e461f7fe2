import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { signBody } from '../../src/hub-signature/index.js';
import { eventually } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const JOBS = 40;
const redisUrl = process.env.REDIS_URL;

/**
 * Two deployments on one Redis, told apart only by CACHE_NAMESPACE (QUEUE_PREFIX left unset): each
 * works its own webhook jobs. A job the other deployment took would find no event in its database,
 * and the event would wait (here: for ever, the reconciler being an hour away).
 */
describe('two deployments sharing one Redis with different CACHE_NAMESPACE', () => {
  const run = randomBytes(4).toString('hex');
  let first: TestApp;
  let second: TestApp;

  const deployment = (name: string) =>
    startTestApp({
      env: {
        REDIS_URL: redisUrl,
        QUEUE_BACKEND: 'redis',
        CACHE_NAMESPACE: `t${run}-${name}`,
        QUEUE_PREFIX: undefined,
        WEBHOOK_RECONCILE_INTERVAL_MS: String(60 * 60 * 1000),
      },
    });

  beforeAll(async () => {
    if (redisUrl) [first, second] = await Promise.all([deployment('first'), deployment('second')]);
  });
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
  });

  // Needs a Redis server: CI always sets REDIS_URL; on a laptop without one this is reported as skipped
  // (src/queue/queue.config.spec.ts checks the default prefix everywhere).
  (redisUrl ? it : it.skip)(`the first one processes all ${JOBS} of its events; the second takes none`, async () => {
    for (let i = 0; i < JOBS; i++) {
      const body = Buffer.from(
        JSON.stringify({
          object: 'whatsapp_business_account',
          entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messages: [{ id: `wamid.shared${run}${i}` }] } }] }],
        }),
      );
      const response = await fetch(`${first.url}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, first.appSecret) },
        body,
      });
      expect(response.status).toBe(200);
    }
    const db = first.app.get(DataSource);
    const processed = async () => (await db.query(`SELECT count(*)::int AS n FROM webhook_events WHERE status = 'processed'`))[0].n as number;
    expect(await eventually(processed, (n) => n === JOBS, 20_000)).toBe(JOBS);
  });
});
