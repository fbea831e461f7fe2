import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { signBody } from '../../src/hub-signature/index.js';
import { WebhookQueue } from '../../src/webhooks/webhook-queue.js';
import { eventually } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { usingRealPostgres } from '../support/test-database.js';

/**
 * As many events as 3.5 MiB holds. The embedded database (a laptop's `npm test`, no DATABASE_URL) is
 * WASM Postgres on one thread, and its queue too: there a fifth of them, so the run stays short; CI
 * runs the whole 150,000 on Postgres.
 */
const EVENTS = usingRealPostgres() ? 150_000 : 30_000;

/**
 * One notification as Meta would sign it, holding 150,000 messages (within the 3.5 MiB body limit:
 * short ids, no other fields), each one event to store and process.
 */
function hugeNotification(): Buffer {
  const messages = Array.from({ length: EVENTS }, (_, i) => `{"id":"w${i.toString(36)}"}`).join(',');
  return Buffer.from(
    `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"106540352242922"},"messages":[${messages}]}}]}]}`,
  );
}

describe(`a signed notification with ${EVENTS.toLocaleString('en')} events`, () => {
  let test: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    test = await startTestApp({
      // The reconciler must not be what queues them: it runs at boot and then only after this.
      env: { WEBHOOK_RECONCILE_INTERVAL_MS: String(60 * 60 * 1000) },
    });
    db = test.app.get(DataSource);
  });
  afterAll(async () => test?.close());

  it('is answered 200 once stored, and every event is queued at once, none left to the reconciler', async () => {
    const body = hugeNotification();
    expect(body.length).toBeLessThan(3.5 * 1024 * 1024);
    const response = await fetch(`${test.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, test.appSecret) },
      body,
    });
    expect([response.status, await response.json()]).toEqual([200, { stored: EVENTS, duplicates: 0 }]);
    const [{ stored }] = await db.query(`SELECT count(*)::int AS stored FROM webhook_events`);
    expect(stored).toBe(EVENTS);

    // Every stored event is either processed already or has a job waiting for the worker.
    const queue = test.app.get(WebhookQueue);
    const accounted = async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      const [{ done }] = await db.query(`SELECT count(*)::int AS done FROM webhook_events WHERE status <> 'received'`);
      return Object.values(counts).reduce((sum, count) => sum + count, 0) + done;
    };
    // Generous: queueing 150,000 jobs takes some 20 s on a quiet 2-core machine, over a minute on a busy one.
    expect(await eventually(accounted, (count) => count >= EVENTS, 150_000, 500)).toBeGreaterThanOrEqual(EVENTS);
  }, 200_000);
});
