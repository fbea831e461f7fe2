import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import type { OwnedDatabase } from '../support/owned-database.js';
import { eventually, sleep, within } from '../support/eventually.js';
import { RoundRobinProxy } from '../support/round-robin-proxy.js';
import { flowgateEnv, startFlowgate, stopFlowgate, type FlowgateProcess } from './support/flowgate-process.js';
import { startLoad, tally } from './support/load-driver.js';
import { startOwnedPostgres } from './support/owned-postgres.js';
import { startOwnedRedis, type OwnedRedis } from './support/owned-redis.js';
import { createEffectsTable, effectsByMessage, issueToken, messageIdOf, nfmReply, postWebhook } from './support/webhooks.js';

const ADMIN_TOKEN = `admin-${randomBytes(12).toString('hex')}`;
/** How long a stopping replica keeps serving with its readiness failing (the proxy probes every 100 ms). */
const DRAIN_MS = 1_000;
/** Kubernetes' default grace time after SIGTERM. */
const GRACE_MS = 30_000;

describe('three replicas sharing Postgres and Redis, behind a round-robin load balancer', () => {
  let database: OwnedDatabase;
  let redis: OwnedRedis;
  let sql: pg.Pool;
  let proxy: RoundRobinProxy;
  let env: Record<string, string | undefined>;
  const replicas: FlowgateProcess[] = [];
  const stopped: FlowgateProcess[] = [];
  const keys = generateTestKeyPair();
  const appSecret = generateAppSecret();

  beforeAll(async () => {
    database = await startOwnedPostgres();
    redis = await startOwnedRedis();
    sql = new pg.Pool({ connectionString: database.url, max: 2 });
    sql.on('error', () => undefined);
    await createEffectsTable(sql);
    // Cache and queue on the shared Redis; the replicas start together (migrations and demo data race).
    env = {
      ...flowgateEnv({ databaseUrl: database.url, privateKeyPem: keys.privatePem, appSecret, redisUrl: redis.url, queueBackend: 'redis' }),
      ADMIN_TOKEN,
      HTTP_DRAIN_DELAY_MS: String(DRAIN_MS),
    };
    replicas.push(...(await Promise.all([startFlowgate(env), startFlowgate(env), startFlowgate(env)])));
    proxy = await new RoundRobinProxy({ probeEveryMs: 100 }).start();
    for (const replica of replicas) proxy.add(replica.url);
    for (const replica of replicas) await proxy.waitUntil(replica.url);
  }, 180_000);

  afterAll(async () => {
    await proxy?.stop();
    await Promise.all([...replicas, ...stopped].map((replica) => stopFlowgate(replica)));
    await sql?.end();
    await redis?.destroy();
    await database?.destroy();
  });

  it('a flow session started on one replica continues on the others, step by step', async () => {
    const [onA, onB, onC] = replicas.map((replica) => new FlowTestClient({ baseUrl: replica.url, publicKey: keys.publicPem, appSecret }));
    const issued = await fetch(`${replicas[0].url}/admin/flows/appointments/sessions`, {
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

    const confirm = await onC.dataExchange('appointments', token, 'SLOTS', { slot, name: 'Maria Silva', email: 'maria@example.com' });
    expect(confirm.json?.screen).toBe('CONFIRM');

    const done = await onB.dataExchange('appointments', token, 'CONFIRM', { confirm: true });
    expect(done.json?.screen).toBe('SUCCESS');
    const params = done.json.data.extension_message_response.params;
    expect(params.flow_token).toBe(token);

    const bookings = await sql.query('SELECT id, slot_id FROM appointment_bookings WHERE flow_token = $1', [token]);
    expect(bookings.rows).toEqual([{ id: params.appointment_id, slot_id: slot }]);
    // Completed on B: A and C know it too.
    expect((await onA.dataExchange('appointments', token, 'CONFIRM', { confirm: true })).status).toBe(427);
    expect((await onC.dataExchange('appointments', token, 'CONFIRM', { confirm: true })).status).toBe(427);
  }, 60_000);

  it('a webhook delivered to every replica takes effect once', async () => {
    const tokens = await Promise.all(Array.from({ length: 30 }, () => issueToken(sql)));
    const payloads = tokens.map((token) => nfmReply(token, { plan: 'every' }));
    const ids = payloads.map(messageIdOf);
    const answers = await Promise.all(payloads.flatMap((payload) => replicas.map((replica) => postWebhook(replica.url, appSecret, payload))));
    expect(answers.filter((status) => status !== 200)).toEqual([]);
    await expectEachProcessedOnce(ids);
  }, 90_000);

  it('rolling restarts one replica at a time under load: no request fails, no completion twice, no webhook lost', async () => {
    const client = new FlowTestClient({ baseUrl: proxy.url, publicKey: keys.publicPem, appSecret });
    const flowLoad = startLoad({
      client: 'data-exchange',
      concurrency: 4,
      send: () => client.dataExchange('resilience', `roll-${randomBytes(8).toString('hex')}`, 'WELCOME', {}),
    });
    // Completions arrive as webhooks through the load balancer, each delivered twice (Meta retries).
    const webhooks: Array<{ id: string; statuses: number[] }> = [];
    let sendingWebhooks = true;
    const webhookLoad = Promise.all(
      Array.from({ length: 3 }, async () => {
        while (sendingWebhooks) {
          const payload = nfmReply(await issueToken(sql), { plan: 'rolling' });
          const delivery = { id: messageIdOf(payload), statuses: [] as number[] };
          webhooks.push(delivery);
          for (let copy = 0; copy < 2; copy++) delivery.statuses.push(await postWebhook(proxy.url, appSecret, payload));
        }
      }),
    );

    const stopLoads = async () => {
      sendingWebhooks = false;
      return Promise.all([flowLoad.stop(), webhookLoad]);
    };
    try {
      await sleep(1_500);
      await rollingRestart();
      await sleep(1_000);
    } finally {
      await stopLoads();
    }
    const records = flowLoad.records;

    expect(proxy.failures).toEqual([]);
    expect(tally(records)).toEqual({ ok: records.length });
    expect(records.every((r) => r.json.screen === 'WELCOME' && /^served /.test(r.json.data.plan))).toBe(true);
    expect(records.length).toBeGreaterThan(100);
    // Every replica, old and new, took its share.
    const served = proxy.forwardedBy();
    expect(Object.keys(served)).toHaveLength(6);
    expect(Object.entries(served).filter(([, count]) => count === 0)).toEqual([]);

    expect(webhooks.length).toBeGreaterThan(20);
    expect(webhooks.filter((delivery) => delivery.statuses.some((status) => status !== 200))).toEqual([]);
    await expectEachProcessedOnce(webhooks.map((delivery) => delivery.id));
  }, 180_000);

  /** As a Deployment's rolling update does (maxSurge 1, maxUnavailable 0): the new pod first, then an old one goes. */
  async function rollingRestart(): Promise<void> {
    for (let i = 0; i < replicas.length; i++) {
      const fresh = await startFlowgate(env);
      proxy.add(fresh.url);
      await proxy.waitUntil(fresh.url);
      const old = replicas[i];
      old.child.kill('SIGTERM');
      // Readiness fails at once: the proxy takes it out within its probe interval, well inside the drain.
      await proxy.waitUntil(old.url, false, Math.max(DRAIN_MS, 1_000));
      expect(await within(old.exited, GRACE_MS, 'still running after the grace time')).toEqual({ code: 0, signal: null });
      proxy.remove(old.url);
      stopped.push(old);
      replicas[i] = fresh;
      await sleep(500);
    }
  }

  /** Every event stored once, processed, and its completion handler's effect written exactly once. */
  async function expectEachProcessedOnce(ids: string[]): Promise<void> {
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
    const submissions = await sql.query('SELECT count(*)::int AS n FROM flow_submissions WHERE message_id = ANY($1)', [ids]);
    expect(submissions.rows[0].n).toBe(ids.length);
    const effects = await effectsByMessage(sql, ids);
    expect(ids.filter((id) => effects.get(id) !== 1)).toEqual([]);
  }
});
