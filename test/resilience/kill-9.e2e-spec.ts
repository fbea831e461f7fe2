import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import type { OwnedDatabase } from '../support/owned-database.js';
import { eventually } from '../support/eventually.js';
import { flowgateEnv, startFlowgate, stopFlowgate, type FlowgateProcess } from './support/flowgate-process.js';
import { startOwnedPostgres } from './support/owned-postgres.js';
import { createEffectsTable, effectsByMessage, issueToken, messageIdOf, nfmReply, postWebhook } from './support/webhooks.js';

const BURST = 200;

describe('kill -9 while webhooks are queued and being processed', () => {
  let database: OwnedDatabase;
  let sql: pg.Pool;
  let first: FlowgateProcess | undefined;
  let second: FlowgateProcess | undefined;
  const keys = generateTestKeyPair();
  const appSecret = generateAppSecret();
  const env = () => flowgateEnv({ databaseUrl: database.url, privateKeyPem: keys.privatePem, appSecret });

  const processedCount = async (ids: string[]) =>
    (await sql.query(`SELECT count(*)::int AS n FROM webhook_events WHERE dedupe_key = ANY($1) AND status = 'processed'`, [ids])).rows[0].n as number;

  beforeAll(async () => {
    database = await startOwnedPostgres();
    sql = new pg.Pool({ connectionString: database.url, max: 2 });
    sql.on('error', () => undefined);
    await createEffectsTable(sql);
  }, 60_000);

  afterAll(async () => {
    await stopFlowgate(first);
    await stopFlowgate(second);
    await sql?.end();
    await database?.destroy();
  });

  it('after a restart every stored event has taken effect exactly once', async () => {
    // Each completion takes a while inside its transaction, so the kill lands on running jobs.
    first = await startFlowgate({ ...env(), EFFECT_DELAY_MS: '40' });
    const tokens = await Promise.all(Array.from({ length: BURST }, () => issueToken(sql)));
    const payloads = tokens.map((token) => nfmReply(token, { plan: 'burst' }));
    const ids = payloads.map(messageIdOf);

    // Most of the burst is acknowledged before the kill; the rest is still arriving when it lands.
    const early = payloads.slice(0, 150);
    const late = payloads.slice(150);
    const answers: number[] = [];
    for (let i = 0; i < early.length; i += 20) {
      answers.push(...(await Promise.all(early.slice(i, i + 20).map((payload) => postWebhook(first!.url, appSecret, payload)))));
    }
    expect(answers.filter((status) => status !== 200)).toEqual([]);

    await eventually(
      () => processedCount(ids),
      (n) => n >= 20,
      30_000,
      20,
    );
    const arriving = Promise.all(
      late.map(async (payload, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 2));
        return postWebhook(first!.url, appSecret, payload);
      }),
    );
    await first.kill9();
    const lateAnswers = await arriving;
    // Stored and acknowledged (200), or no answer at all (0: WhatsApp retries); never anything else.
    expect(lateAnswers.filter((status) => status !== 200 && status !== 0)).toEqual([]);
    const processedAtKill = await processedCount(ids);
    // The kill happened mid-burst: some events done, others queued or running.
    expect(processedAtKill).toBeGreaterThanOrEqual(20);
    expect(processedAtKill).toBeLessThan(BURST);

    second = await startFlowgate(env());
    // WhatsApp retries what got no answer; some of those were stored before the kill (deduplicated now).
    const retried = late.filter((_, i) => lateAnswers[i] !== 200);
    for (const payload of retried) expect(await postWebhook(second.url, appSecret, payload)).toBe(200);
    const processed = await eventually(
      () => processedCount(ids),
      (n) => n === BURST,
      90_000,
      250,
    );
    expect(processed).toBe(BURST);

    const effects = await effectsByMessage(sql, ids);
    expect(ids.filter((id) => effects.get(id) !== 1)).toEqual([]);
    const submissions = await sql.query('SELECT count(*)::int AS n FROM flow_submissions WHERE message_id = ANY($1)', [ids]);
    expect(submissions.rows[0].n).toBe(BURST);
    const completed = await sql.query(`SELECT count(*)::int AS n FROM flow_sessions WHERE token = ANY($1) AND status = 'completed'`, [tokens]);
    expect(completed.rows[0].n).toBe(BURST);
    const failed = await sql.query(`SELECT count(*)::int AS n FROM webhook_events WHERE dedupe_key = ANY($1) AND status = 'failed'`, [ids]);
    expect(failed.rows[0].n).toBe(0);
  }, 180_000);
});
