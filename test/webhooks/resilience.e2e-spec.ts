import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { signBody } from '../../src/hub-signature/index.js';
import { generateAppSecret } from '../kit/test-keys.js';
import { freePort, startOwnedDatabase, type OwnedDatabase } from '../support/owned-database.js';
import { PROJECT_ROOT } from '../support/server-process.js';
import { defaultTestKeys, startTestApp, type TestApp } from '../support/test-app.js';
import { completions, nfmReply, SignupFlowModule } from './fixtures.js';

async function eventually<T>(fn: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await fn().catch(() => undefined as T);
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await fn().catch(() => undefined as T);
  }
  return value;
}

const post = (url: string, secret: string, body: unknown) => {
  const bytes = Buffer.from(JSON.stringify(body));
  return fetch(`${url}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(bytes, secret) },
    body: bytes,
  });
};

const messageIdOf = (payload: ReturnType<typeof nfmReply>) => payload.entry[0].changes[0].value.messages[0].id;

describe('webhooks under failures', () => {
  let database: OwnedDatabase;
  let sql: pg.Pool;
  const appSecret = generateAppSecret();
  const queuePrefix = `r${randomBytes(4).toString('hex')}`;
  const shared = { env: { DATABASE_URL: undefined as string | undefined, EMBEDDED_DB_DIR: undefined }, drop: async () => undefined };

  const issue = async (flow: string) => {
    const token = `tok-${randomBytes(8).toString('hex')}`;
    await sql.query(`INSERT INTO flow_sessions (token, flow, issued, expires_at) VALUES ($1, $2, true, now() + interval '1 hour')`, [token, flow]);
    return token;
  };
  const eventStatus = async (messageId: string) =>
    (await sql.query('SELECT status FROM webhook_events WHERE dedupe_key = $1', [messageId])).rows[0]?.status as string | undefined;

  beforeAll(async () => {
    database = await startOwnedDatabase();
    shared.env.DATABASE_URL = database.url;
    sql = new pg.Pool({ connectionString: database.url, max: 2 });
    sql.on('error', () => undefined);
  });
  afterAll(async () => {
    await sql?.end();
    await database?.destroy();
  });

  it('two replicas on one database and queue: every event processed once, also when delivered to both', async () => {
    const env = { QUEUE_BACKEND: 'postgres', QUEUE_PREFIX: queuePrefix };
    const a = await startTestApp({ modules: [SignupFlowModule], database: shared, appSecret, env });
    const b = await startTestApp({ modules: [SignupFlowModule], database: shared, appSecret, env });
    try {
      completions.calls.length = 0;
      const payloads = await Promise.all(Array.from({ length: 10 }, async () => nfmReply(await issue('signup'), { plan: 'x' })));
      // Meta retries to every subscribed app: each message reaches both replicas, at the same time.
      const answers = await Promise.all(payloads.flatMap((payload) => [post(a.url, appSecret, payload), post(b.url, appSecret, payload)]));
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      for (const payload of payloads) {
        expect(
          await eventually(
            () => eventStatus(messageIdOf(payload)),
            (status) => status === 'processed',
          ),
        ).toBe('processed');
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      const ids = payloads.map(messageIdOf);
      const { rows } = await sql.query('SELECT count(*)::int AS n FROM flow_submissions WHERE message_id = ANY($1)', [ids]);
      expect(rows[0].n).toBe(10);
      expect(completions.calls).toHaveLength(10);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('graceful shutdown lets an in-flight job finish', async () => {
    const app = await startTestApp({
      modules: [SignupFlowModule],
      database: shared,
      appSecret,
      env: { QUEUE_BACKEND: 'postgres', QUEUE_PREFIX: queuePrefix },
    });
    completions.delayMs = 1_500;
    try {
      const token = await issue('signup');
      const payload = nfmReply(token, { plan: 'shutdown' });
      expect((await post(app.url, appSecret, payload)).status).toBe(200);
      await eventually(async () => completions.started.includes(token), Boolean);
      await app.close();
      expect(await eventStatus(messageIdOf(payload))).toBe('processed');
    } finally {
      completions.delayMs = 0;
    }
  });

  it('database down at intake: 503 (WhatsApp retries), nothing acknowledged; back up: stored and processed', async () => {
    const app: TestApp = await startTestApp({
      modules: [SignupFlowModule],
      database: shared,
      appSecret,
      env: { QUEUE_BACKEND: 'postgres', QUEUE_PREFIX: queuePrefix },
    });
    try {
      const token = await issue('signup');
      const payload = nfmReply(token, { plan: 'during-outage' });
      await database.stop();
      const refused = await post(app.url, appSecret, payload);
      expect(refused.status).toBe(503);
      await database.start();
      const accepted = await eventually(
        () => post(app.url, appSecret, payload),
        (response) => response?.status === 200,
      );
      expect(accepted.status).toBe(200);
      expect(
        await eventually(
          () => eventStatus(messageIdOf(payload)),
          (status) => status === 'processed',
        ),
      ).toBe('processed');
    } finally {
      await app.close();
    }
  }, 90_000);

  it('a replica killed (-9) in the middle of a job: the job is retried elsewhere and takes effect once', async () => {
    const keys = defaultTestKeys();
    const replica = async (slowMs: number) => {
      const port = await freePort();
      const child: ChildProcess = spawn(process.execPath, [join(PROJECT_ROOT, 'test/webhooks/worker-process.mjs')], {
        cwd: PROJECT_ROOT,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          LOG_LEVEL: 'warn',
          PORT: String(port),
          SLOW_MS: String(slowMs),
          DATABASE_URL: database.url,
          QUEUE_BACKEND: 'postgres',
          QUEUE_PREFIX: queuePrefix,
          FLOW_PRIVATE_KEY: keys.privatePem,
          WHATSAPP_APP_SECRET: appSecret,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', (chunk) => (output += chunk));
      child.stderr!.on('data', (chunk) => (output += chunk));
      await eventually(
        async () => output,
        (text) => text.includes('listening') || child.exitCode !== null,
      );
      if (!output.includes('listening')) throw new Error(`replica did not start:\n${output}`);
      return { url: `http://127.0.0.1:${port}`, child, output: () => output };
    };

    const first = await replica(60_000);
    const token = await issue('slow');
    const payload = nfmReply(token, { plan: 'crash' });
    const messageId = messageIdOf(payload);
    expect((await post(first.url, appSecret, payload)).status).toBe(200);
    await eventually(
      async () => first.output(),
      (text) => text.includes(`effect-started ${messageId}`),
    );
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    // The effect was written in the job's transaction, which died with the process.
    const before = await sql.query(`SELECT to_regclass('test_effects') IS NOT NULL AS exists`);
    if (before.rows[0].exists) {
      expect((await sql.query('SELECT count(*)::int AS n FROM test_effects WHERE message_id = $1', [messageId])).rows[0].n).toBe(0);
    }
    expect(await eventStatus(messageId)).toBe('received');

    const second = await replica(0);
    try {
      expect(
        await eventually(
          () => eventStatus(messageId),
          (status) => status === 'processed',
          60_000,
        ),
      ).toBe('processed');
      expect((await sql.query('SELECT count(*)::int AS n FROM test_effects WHERE message_id = $1', [messageId])).rows[0].n).toBe(1);
      expect((await sql.query('SELECT count(*)::int AS n FROM flow_submissions WHERE message_id = $1', [messageId])).rows[0].n).toBe(1);
      expect((await sql.query('SELECT status FROM flow_sessions WHERE token = $1', [token])).rows[0].status).toBe('completed');
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((resolve) => second.child.once('exit', resolve));
    }
  }, 120_000);
});
