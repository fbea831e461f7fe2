import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { encryptRequest } from '../../src/flows-core/crypto/flow-crypto.js';
import type { FlowEnvelope } from '../../src/flows-core/crypto/flow-envelope.js';
import { flowPayloads, type FlowReply, type PreparedFlowRequest } from '../kit/flow-test-client.js';
import { generateAppSecret } from '../kit/test-keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { TestFlowsModule } from './fixtures/test-flows.js';

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

// Needs a Redis server: CI always sets REDIS_URL; on a laptop without one this is reported as skipped.
(redisUrl ? describe : describe.skip)('replicas sharing a Redis cache', () => {
  let database: TestDatabase;
  let replicas: TestApp[];

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { REDIS_URL: redisUrl, CACHE_NAMESPACE: `test-${randomBytes(6).toString('hex')}` };
    const appSecret = generateAppSecret();
    replicas = [await startTestApp({ modules: [TestFlowsModule], env, database, appSecret })];
    replicas.push(await startTestApp({ modules: [TestFlowsModule], env, database, appSecret }));
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
});
