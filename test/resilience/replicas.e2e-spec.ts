import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import type { OwnedDatabase } from '../support/owned-database.js';
import { eventually } from '../support/eventually.js';
import { flowgateEnv, startFlowgate, stopFlowgate, type FlowgateProcess } from './support/flowgate-process.js';
import { startOwnedPostgres } from './support/owned-postgres.js';
import { startOwnedRedis, type OwnedRedis } from './support/owned-redis.js';
import { createEffectsTable, effectsByMessage, issueToken, messageIdOf, nfmReply, postWebhook } from './support/webhooks.js';

const ADMIN_TOKEN = `admin-${randomBytes(12).toString('hex')}`;

describe('two replicas sharing Postgres and Redis', () => {
  let database: OwnedDatabase;
  let redis: OwnedRedis;
  let sql: pg.Pool;
  let a: FlowgateProcess | undefined;
  let b: FlowgateProcess | undefined;
  const keys = generateTestKeyPair();
  const appSecret = generateAppSecret();

  beforeAll(async () => {
    database = await startOwnedPostgres();
    redis = await startOwnedRedis();
    sql = new pg.Pool({ connectionString: database.url, max: 2 });
    sql.on('error', () => undefined);
    await createEffectsTable(sql);
    // Cache and queue on the shared Redis; both replicas start together (migrations and demo data race).
    const env = {
      ...flowgateEnv({ databaseUrl: database.url, privateKeyPem: keys.privatePem, appSecret, redisUrl: redis.url, queueBackend: 'redis' }),
      ADMIN_TOKEN,
    };
    [a, b] = await Promise.all([startFlowgate(env), startFlowgate(env)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([stopFlowgate(a), stopFlowgate(b)]);
    await sql?.end();
    await redis?.destroy();
    await database?.destroy();
  });

  it('a flow session started on one replica continues on the other, step by step', async () => {
    const onA = new FlowTestClient({ baseUrl: a!.url, publicKey: keys.publicPem, appSecret });
    const onB = new FlowTestClient({ baseUrl: b!.url, publicKey: keys.publicPem, appSecret });
    const issued = await fetch(`${a!.url}/admin/flows/appointments/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '+351910000000' }),
    });
    expect(issued.status).toBe(201);
    const { flow_token: token } = (await issued.json()) as { flow_token: string };

    const init = await onA.init('appointments', token);
    expect(init.json?.screen).toBe('SERVICE');
    const service = init.json.data.services[0].id;
    const date = init.json.data.dates[0].id;

    const slots = await onB.dataExchange('appointments', token, 'SERVICE', { service, date });
    expect(slots.json?.screen).toBe('SLOTS');
    const slot = slots.json.data.slots[0].id;

    const confirm = await onA.dataExchange('appointments', token, 'SLOTS', { slot, name: 'Maria Silva', email: 'maria@example.com' });
    expect(confirm.json?.screen).toBe('CONFIRM');

    const done = await onB.dataExchange('appointments', token, 'CONFIRM', { confirm: true });
    expect(done.json?.screen).toBe('SUCCESS');
    const params = done.json.data.extension_message_response.params;
    expect(params.flow_token).toBe(token);

    const bookings = await sql.query('SELECT id, slot_id FROM appointment_bookings WHERE flow_token = $1', [token]);
    expect(bookings.rows).toEqual([{ id: params.appointment_id, slot_id: slot }]);
    // Completed on B: A knows it too.
    expect((await onA.dataExchange('appointments', token, 'CONFIRM', { confirm: true })).status).toBe(427);
  }, 60_000);

  it('a webhook delivered to both replicas takes effect once', async () => {
    const tokens = await Promise.all(Array.from({ length: 30 }, () => issueToken(sql)));
    const payloads = tokens.map((token) => nfmReply(token, { plan: 'both' }));
    const ids = payloads.map(messageIdOf);
    const answers = await Promise.all(
      payloads.flatMap((payload) => [postWebhook(a!.url, appSecret, payload), postWebhook(b!.url, appSecret, payload)]),
    );
    expect(answers.filter((status) => status !== 200)).toEqual([]);

    const processed = await eventually(
      async () =>
        (await sql.query(`SELECT count(*)::int AS n FROM webhook_events WHERE dedupe_key = ANY($1) AND status = 'processed'`, [ids])).rows[0].n,
      (n) => n === ids.length,
      60_000,
      250,
    );
    expect(processed).toBe(ids.length);
    const stored = await sql.query('SELECT count(*)::int AS n FROM webhook_events WHERE dedupe_key = ANY($1)', [ids]);
    expect(stored.rows[0].n).toBe(ids.length);
    const effects = await effectsByMessage(sql, ids);
    expect(ids.filter((id) => effects.get(id) !== 1)).toEqual([]);
  }, 90_000);
});
