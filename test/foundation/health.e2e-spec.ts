import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startOwnedDatabase, type OwnedDatabase } from '../support/owned-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

async function eventually<T>(fn: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await fn();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await fn();
  }
  return last;
}

describe('health endpoints', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(async () => test?.close());

  it('live is 200 and checks nothing', async () => {
    const { status, body } = await getJson(`${test.url}/health/live`);
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });

  it('ready is 200 with the database and cache up', async () => {
    const { status, body } = await getJson(`${test.url}/health/ready`);
    expect(status).toBe(200);
    expect(body.details.database.status).toBe('up');
    expect(body.details.cache.status).toBe('up');
  });

  it('answers with a request id, echoing a valid incoming one', async () => {
    const response = await fetch(`${test.url}/health/live`, { headers: { 'x-request-id': 'abc-123' } });
    expect(response.headers.get('x-request-id')).toBe('abc-123');
    const generated = await fetch(`${test.url}/health/live`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('readiness follows the database', () => {
  let database: OwnedDatabase;
  let test: TestApp;

  beforeAll(async () => {
    database = await startOwnedDatabase();
    test = await startTestApp({
      env: { DATABASE_URL: database.url, EMBEDDED_DB_DIR: undefined },
      database: { env: {}, drop: async () => undefined },
    });
  });
  afterAll(async () => {
    await test?.close();
    await database?.destroy();
  });

  it('goes 503 naming the database while it is down, live stays 200, and recovers without a restart', async () => {
    expect((await getJson(`${test.url}/health/ready`)).status).toBe(200);

    await database.stop();
    const down = await eventually(
      () => getJson(`${test.url}/health/ready`),
      (r) => r.status === 503,
    );
    expect(down.status).toBe(503);
    expect(down.body.error.database.status).toBe('down');
    expect(down.body.details.cache.status).toBe('up');
    expect(JSON.stringify(down.body)).not.toMatch(/password/i);
    expect((await getJson(`${test.url}/health/live`)).status).toBe(200);

    await database.start();
    const up = await eventually(
      () => getJson(`${test.url}/health/ready`),
      (r) => r.status === 200,
    );
    expect(up.status).toBe(200);
    expect(up.body.details.database.status).toBe('up');
  });
});
