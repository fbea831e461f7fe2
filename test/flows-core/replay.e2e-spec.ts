import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { encryptRequest } from '../../src/flows-core/crypto/flow-crypto.js';
import type { FlowEnvelope } from '../../src/flows-core/crypto/flow-envelope.js';
import { flowPayloads, type FlowReply, type PreparedFlowRequest } from '../kit/flow-test-client.js';
import { generateAppSecret } from '../kit/test-keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { TestFlowsModule } from './fixtures/test-flows.js';
import { DataSource } from 'typeorm';
import { EnvelopeRetention } from '../../src/flows-core/replay/envelope-retention.js';

const redisUrl = process.env.REDIS_URL;
const token = () => `replay-${randomBytes(6).toString('hex')}`;

/** What a client sees of an answer: the exact status and bytes. */
const wire = (reply: FlowReply) => ({ status: reply.status, contentType: reply.contentType, text: reply.text });

const backends: Array<[string, string | undefined]> = [['memory cache', undefined]];
// Needs a Redis server: CI always sets REDIS_URL; on a laptop without one this backend is reported as skipped.
if (redisUrl) backends.push(['Redis cache', redisUrl]);

describe.each(backends)('a replayed envelope (%s)', (_, cacheRedis) => {
  let test: TestApp;
  const send = (prepared: PreparedFlowRequest) => test.client.post(prepared.path.split('/').pop()!, prepared.body, prepared.session);
  /** The COUNT screen adds one to the session's counter each time its handler runs. */
  const count = (flowToken: string) => test.client.prepare('echo', flowPayloads.dataExchange(flowToken, 'COUNT', {}));

  beforeAll(async () => {
    test = await startTestApp({ modules: [TestFlowsModule], env: { REDIS_URL: cacheRedis } });
  });
  afterAll(async () => test?.close());

  it('gets the byte-identical answer of the first time, and the handler ran once', async () => {
    const flowToken = token();
    const prepared = count(flowToken);
    const first = await send(prepared);
    expect([first.status, first.json]).toEqual([200, { screen: 'COUNT', data: { count: 1 } }]);
    const again = await send(prepared);
    expect(wire(again)).toEqual(wire(first));
    expect(wire(await send(prepared))).toEqual(wire(first));
    // A new request (fresh key) on the same token runs the handler: the replays did not.
    expect((await send(count(flowToken))).json).toEqual({ screen: 'COUNT', data: { count: 2 } });
  });

  it('a 427 is replayed identically (encrypted error_msg, same bytes)', async () => {
    const prepared = test.client.prepare('members', flowPayloads.init(token()));
    const first = await send(prepared);
    expect(first.status).toBe(427);
    expect(first.json).toEqual({ error_msg: expect.any(String) });
    expect(wire(await send(prepared))).toEqual(wire(first));
  });

  it('identical copies sent at once: the handler runs once, every 200 is the same bytes, the others are 409', async () => {
    const flowToken = token();
    const prepared = count(flowToken);
    const replies = await Promise.all(Array.from({ length: 8 }, () => send(prepared)));
    const ok = replies.filter((reply) => reply.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ok.map((reply) => reply.text)).size).toBe(1);
    expect(ok[0].json).toEqual({ screen: 'COUNT', data: { count: 1 } });
    expect(replies.filter((reply) => reply.status !== 200).map((reply) => [reply.status, reply.text])).toEqual(
      Array.from({ length: 8 - ok.length }, () => [409, '']),
    );
    expect((await send(count(flowToken))).json).toEqual({ screen: 'COUNT', data: { count: 2 } });
  });

  it('the same encrypted_aes_key with another payload is refused with 421, and nothing runs', async () => {
    const flowToken = token();
    const first = count(flowToken);
    expect((await send(first)).json).toEqual({ screen: 'COUNT', data: { count: 1 } });
    const { encrypted_aes_key } = JSON.parse(first.body.toString()) as FlowEnvelope;
    // The same AES key (what the wrapped key holds) and IV around another payload.
    const other = test.client.prepare('echo', flowPayloads.dataExchange(flowToken, 'COUNT', { again: true }), {
      aesKey: first.session.key,
      iv: first.session.iv,
      tamper: (envelope) => ({ ...envelope, encrypted_aes_key }),
    });
    const refused = await send(other);
    expect([refused.status, refused.text]).toEqual([421, '']);
    expect((await send(count(flowToken))).json).toEqual({ screen: 'COUNT', data: { count: 2 } });
  });

  it('a replayed ping gets the same bytes (its reply never changes, so it needs no record)', async () => {
    const prepared = test.client.prepare('echo', flowPayloads.ping());
    const first = await send(prepared);
    expect([first.status, first.json]).toEqual([200, { data: { status: 'active' } }]);
    expect(wire(await send(prepared))).toEqual(wire(first));
  });
});

describe.each(backends)('replicas on one database (%s)', (_, cacheRedis) => {
  let database: TestDatabase;
  let replicas: TestApp[];

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { REDIS_URL: cacheRedis, CACHE_NAMESPACE: `test-${randomBytes(6).toString('hex')}` };
    const appSecret = generateAppSecret();
    replicas = [await startTestApp({ modules: [TestFlowsModule], env, database, appSecret })];
    replicas.push(await startTestApp({ modules: [TestFlowsModule], env, database, appSecret }));
    await replicas[0].app.get(DataSource).query('CREATE TABLE echo_marks (token text NOT NULL, note text NOT NULL)');
  });
  afterAll(async () => {
    for (const replica of replicas ?? []) await replica.close();
    await database?.drop();
  });

  it('an envelope answered by one replica is answered identically by the other, without running again', async () => {
    const [a, b] = replicas;
    const flowToken = token();
    const prepared = a.client.prepare('echo', flowPayloads.dataExchange(flowToken, 'COUNT', {}));
    const first = await a.client.post('echo', prepared.body, prepared.session);
    expect(first.json).toEqual({ screen: 'COUNT', data: { count: 1 } });
    const replayed = await b.client.post('echo', prepared.body, prepared.session);
    expect(wire(replayed)).toEqual(wire(first));
    const next = encryptRequest(flowPayloads.dataExchange(flowToken, 'COUNT', {}), b.keys.publicPem);
    expect((await b.client.post('echo', Buffer.from(JSON.stringify(next.envelope)), next.session)).json).toEqual({
      screen: 'COUNT',
      data: { count: 2 },
    });
  });

  it('a read-only answer (no lock held) replayed on the other replica: the same bytes', async () => {
    const [a, b] = replicas;
    const prepared = a.client.prepare('echo', flowPayloads.dataExchange(token(), 'START', { text: 'olá' }));
    const first = await a.client.post('echo', prepared.body, prepared.session);
    expect(first.json).toEqual({ screen: 'ECHO', data: { text: 'olá', length: 3 } });
    expect(wire(await b.client.post('echo', prepared.body, prepared.session))).toEqual(wire(first));
  });

  it('one AES key under two tokens, on both replicas at once: one answer is kept, the other is 421 and none of its writes are', async () => {
    const [a, b] = replicas;
    const db = a.app.get(DataSource);
    const marks = async (flowToken: string) =>
      (await db.query('SELECT note FROM echo_marks WHERE token = $1 ORDER BY note', [flowToken])).map((row: { note: string }) => row.note);
    const saved = async (flowToken: string) =>
      ((await db.query('SELECT state FROM flow_sessions WHERE token = $1', [flowToken])) as Array<{ state: unknown }>)[0].state;
    const [one, other] = [token(), token()];
    for (const flowToken of [one, other]) expect((await a.client.dataExchange('echo', flowToken, 'SAVE', { then: 'keep' })).status).toBe(200);
    // Each replica runs its handler at once (holding its own token's row, waiting 1.5 s after its
    // write), so neither sees the other's claim when it starts: they meet when the second claims the key.
    const first = a.client.prepare('echo', flowPayloads.dataExchange(one, 'SAVE', { then: 'slow' }));
    const { encrypted_aes_key } = JSON.parse(first.body.toString()) as FlowEnvelope;
    const second = b.client.prepare('echo', flowPayloads.dataExchange(other, 'SAVE', { then: 'slow' }), {
      aesKey: first.session.key,
      iv: first.session.iv,
      tamper: (envelope) => ({ ...envelope, encrypted_aes_key }),
    });
    const replies = await Promise.all([a.client.post('echo', first.body, first.session), b.client.post('echo', second.body, second.session)]);
    expect(replies.map((reply) => reply.status).sort()).toEqual([200, 421]);
    const [kept, refused] = replies[0].status === 200 ? [one, other] : [other, one];
    expect(replies.find((reply) => reply.status === 200)!.json).toEqual({ screen: 'SAVE', data: { count: 2 } });
    expect(replies.find((reply) => reply.status === 421)!.text).toBe('');
    expect([await marks(kept), await marks(refused)]).toEqual([['keep', 'slow'], ['keep']]);
    expect([await saved(kept), await saved(refused)]).toEqual([{ saves: 2 }, { saves: 1 }]);
  });

  it('copies sent to both replicas at once: one answer, the same bytes wherever it is repeated, the rest 409', async () => {
    const [a, b] = replicas;
    const flowToken = token();
    const prepared = a.client.prepare('echo', flowPayloads.dataExchange(flowToken, 'COUNT', {}));
    const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? b : a).client.post('echo', prepared.body, prepared.session)));
    const ok = replies.filter((reply) => reply.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ok.map((reply) => reply.text)).size).toBe(1);
    expect(ok[0].json).toEqual({ screen: 'COUNT', data: { count: 1 } });
    expect(replies.filter((reply) => reply.status !== 200).map((reply) => [reply.status, reply.text])).toEqual(
      Array.from({ length: 8 - ok.length }, () => [409, '']),
    );
  });
});

describe('replays after the first answer is no longer kept, or after the token ended', () => {
  let test: TestApp;
  let db: DataSource;
  const send = (prepared: PreparedFlowRequest) => test.client.post(prepared.path.split('/').pop()!, prepared.body, prepared.session);

  beforeAll(async () => {
    test = await startTestApp({ modules: [TestFlowsModule] });
    db = test.app.get(DataSource);
  });
  afterAll(async () => test?.close());

  it('past FLOW_REPLAY_WINDOW_S a replay is refused with 421 and no body, and nothing runs', async () => {
    const flowToken = token();
    const prepared = test.client.prepare('echo', flowPayloads.dataExchange(flowToken, 'COUNT', {}));
    expect((await send(prepared)).json).toEqual({ screen: 'COUNT', data: { count: 1 } });
    // The answer was given three minutes ago (the default window is two).
    await db.query(`UPDATE flow_envelopes SET created_at = now() - interval '3 minutes'`);
    expect([(await send(prepared)).status, (await send(prepared)).text]).toEqual([421, '']);
    // The pruning pass drops the bytes; the key stays on record, and the replay is still refused.
    await test.app.get(EnvelopeRetention).prune();
    const [{ kept }] = await db.query(`SELECT count(*)::int AS kept FROM flow_envelopes WHERE token = $1 AND body IS NOT NULL`, [flowToken]);
    expect(kept).toBe(0);
    expect([(await send(prepared)).status, (await send(prepared)).text]).toEqual([421, '']);
    expect((await send(test.client.prepare('echo', flowPayloads.dataExchange(flowToken, 'COUNT', {})))).json).toEqual({
      screen: 'COUNT',
      data: { count: 2 },
    });
  });

  it('an envelope answered before its token completed gets that answer again, not a 427', async () => {
    const flowToken = token();
    const earlier = test.client.prepare('echo', flowPayloads.dataExchange(flowToken, 'START', { text: 'first' }));
    const first = await send(earlier);
    expect(first.json).toEqual({ screen: 'ECHO', data: { text: 'first', length: 5 } });
    expect((await send(test.client.prepare('echo', flowPayloads.dataExchange(flowToken, 'FINISH', {})))).json.screen).toBe('SUCCESS');
    expect((await send(test.client.prepare('echo', flowPayloads.dataExchange(flowToken, 'START', { text: 'again' })))).status).toBe(427);
    expect(wire(await send(earlier))).toEqual(wire(first));
  });

  it('a token expired longer ago than FLOW_REPLAY_RETENTION_DAYS gets 427 without a body (a replay cannot be told from a new request)', async () => {
    const flowToken = token();
    expect((await send(test.client.prepare('echo', flowPayloads.dataExchange(flowToken, 'COUNT', {})))).status).toBe(200);
    await db.query(`UPDATE flow_sessions SET expires_at = now() - interval '8 days' WHERE token = $1`, [flowToken]);
    const late = await send(test.client.prepare('echo', flowPayloads.dataExchange(flowToken, 'COUNT', {})));
    expect([late.status, late.text]).toEqual([427, '']);
    await db.query(`UPDATE flow_sessions SET expires_at = now() - interval '1 day' WHERE token = $1`, [flowToken]);
    const recent = await send(test.client.prepare('echo', flowPayloads.dataExchange(flowToken, 'COUNT', {})));
    expect([recent.status, recent.json]).toEqual([427, { error_msg: expect.stringContaining('expired') }]);
  });
});
