import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { signBody } from '../../src/hub-signature/index.js';
import { WebhookQueue } from '../../src/webhooks/webhook-queue.js';
import { eventually } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, usingRealPostgres, type TestDatabase } from '../support/test-database.js';

/** A database that outlives one app: a fresh one on DATABASE_URL, else an embedded one on disk. */
async function persistentDatabase(): Promise<TestDatabase> {
  if (usingRealPostgres()) return createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-db-'));
  return { env: { DATABASE_URL: undefined, EMBEDDED_DB_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

const DAY = "interval '1 day'";

describe('retention of the webhook tables', () => {
  let database: TestDatabase;
  let test: TestApp | undefined;

  beforeAll(async () => {
    database = await persistentDatabase();
  });
  afterAll(async () => {
    await test?.close();
    await database?.drop();
  });

  it('refuses to keep dedupe records for less than the 7 days Meta retries, with one line naming the variable', async () => {
    const started = startTestApp({ env: { WEBHOOK_RETENTION_DAYS: '6' } });
    // Should it start after all, it must not outlive the test.
    void started.then((app) => app.close()).catch(() => undefined);
    await expect(started).rejects.toThrow(
      /^Invalid configuration: WEBHOOK_RETENTION_DAYS must be a whole number of days between 7 and 3650 \(Meta retries a webhook for up to 7 days\) \(got "6"\)$/,
    );
  });

  it('deletes processed events and message statuses past the retention, and keeps the rest', async () => {
    // Both boots share the queue too (each test app has its own by default).
    const env = { WEBHOOK_RETENTION_DAYS: '7', QUEUE_PREFIX: `t${randomBytes(6).toString('hex')}` };
    // Rows as the webhooks left them over the last weeks (written by a first boot, which made the schema).
    const first = await startTestApp({ database, env });
    const insert = (key: string, status: string, ageSql: string) =>
      first.app
        .get(DataSource)
        .query(
          `INSERT INTO webhook_events (source, kind, dedupe_key, payload, status, received_at) VALUES ('whatsapp', 'message', $1, $2, $3, now() - (${ageSql}))`,
          [key, JSON.stringify({ message: { id: key } }), status],
        );
    await insert('wamid.processed-8d', 'processed', `8 * ${DAY}`);
    await insert('wamid.processed-400d', 'processed', `400 * ${DAY}`);
    await insert('wamid.processed-6d23h', 'processed', `7 * ${DAY} - interval '1 hour'`);
    await insert('wamid.processed-now', 'processed', `interval '0'`);
    // An event still waiting for its next attempt: its job is delayed, so neither the reconciler nor
    // the worker touches it while the test runs (else it could be processed, and then rightly pruned).
    const waiting = '6f0c3c3e-7d1a-4f4e-9c51-0d6a1f2b4c01';
    const queue = first.app.get(WebhookQueue);
    await queue.addBulk([{ name: 'process', data: { eventId: waiting }, opts: { jobId: waiting, delay: 3_600_000 } }]);
    await first.app
      .get(DataSource)
      .query(
        `INSERT INTO webhook_events (id, source, kind, dedupe_key, payload, status, received_at) VALUES ($1, 'whatsapp', 'message', 'wamid.received-40d', $2, 'received', now() - 40 * ${DAY})`,
        [waiting, JSON.stringify({ message: { id: 'wamid.received-40d' } })],
      );
    await insert('wamid.failed-40d', 'failed', `40 * ${DAY}`);
    await first.app.get(DataSource).query(
      `INSERT INTO message_statuses (message_id, status, recipient, recorded_at) VALUES
         ('wamid.sent-9d', 'delivered', '351917654321', now() - 9 * ${DAY}),
         ('wamid.sent-2d', 'delivered', '351917654321', now() - 2 * ${DAY})`,
    );
    await first.close();

    // The next boot prunes.
    test = await startTestApp({ database, env });
    const db = test.app.get(DataSource);
    const events = async () =>
      ((await db.query(`SELECT dedupe_key FROM webhook_events ORDER BY dedupe_key`)) as Array<{ dedupe_key: string }>).map((row) => row.dedupe_key);
    expect(await eventually(events, (keys) => keys.length === 4, 15_000)).toEqual([
      'wamid.failed-40d',
      'wamid.processed-6d23h',
      'wamid.processed-now',
      'wamid.received-40d',
    ]);
    const statuses = await db.query(`SELECT message_id FROM message_statuses`);
    expect(statuses).toEqual([{ message_id: 'wamid.sent-2d' }]);

    // Meta redelivering the event of almost 7 days ago still finds its dedupe record.
    const body = Buffer.from(
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: '1', changes: [{ field: 'messages', value: { messages: [{ id: 'wamid.processed-6d23h' }] } }] }],
      }),
    );
    const redelivered = await fetch(`${test.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, test.appSecret) },
      body,
    });
    expect([redelivered.status, await redelivered.json()]).toEqual([200, { stored: 0, duplicates: 1 }]);
    expect(await (await test.app.get(WebhookQueue).getJob(waiting))?.getState()).toBe('delayed');
    await (await test.app.get(WebhookQueue).getJob(waiting))?.remove();
  });
});
