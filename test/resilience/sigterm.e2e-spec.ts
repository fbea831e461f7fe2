import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import type { OwnedDatabase } from '../support/owned-database.js';
import { eventually, sleep, within } from '../support/eventually.js';
import { flowgateEnv, startFlowgate, stopFlowgate, type FlowgateProcess } from './support/flowgate-process.js';
import { startLoad, tally } from './support/load-driver.js';
import { startOwnedPostgres } from './support/owned-postgres.js';

/** How long an orchestrator waits after SIGTERM before it kills (Kubernetes' default). */
const GRACE_MS = 30_000;

describe('SIGTERM under load', () => {
  let database: OwnedDatabase;
  let server: FlowgateProcess;
  const keys = generateTestKeyPair();
  const appSecret = generateAppSecret();

  beforeAll(async () => {
    database = await startOwnedPostgres();
    // Each answer takes a while, so requests are in flight when the signal arrives.
    server = await startFlowgate({
      ...flowgateEnv({ databaseUrl: database.url, privateKeyPem: keys.privatePem, appSecret }),
      SLOW_SCREEN_MS: '1000',
    });
  }, 60_000);

  afterAll(async () => {
    await stopFlowgate(server);
    await database?.destroy();
  });

  it('answers every request sent before the signal in full, then exits with code 0', async () => {
    const client = new FlowTestClient({ baseUrl: server.url, publicKey: keys.publicPem, appSecret });
    const load = startLoad({
      concurrency: 12,
      send: () => client.dataExchange('resilience', `term-${randomBytes(8).toString('hex')}`, 'WELCOME', {}),
    });
    await sleep(2_500);
    // Stop sending, let the last requests reach the server, then signal: all of them are in flight.
    const stopped = load.stop();
    await sleep(100);
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    const records = await stopped;

    const exit = await within(server.exited, GRACE_MS, 'still running after the grace time');
    expect(exit).toEqual({ code: 0, signal: null });

    expect(records.filter((r) => r.endedAt > signalledAt).length).toBeGreaterThanOrEqual(6);
    expect(tally(records)).toEqual({ ok: records.length });
    expect(records.every((r) => r.json.screen === 'WELCOME' && /^served /.test(r.json.data.plan))).toBe(true);
    // And it is really gone.
    expect(
      await eventually(
        () =>
          fetch(`${server.url}/health/live`).then(
            () => 'up',
            () => 'refused',
          ),
        (s) => s === 'refused',
        5_000,
      ),
    ).toBe('refused');
  }, 90_000);
});

describe('SIGTERM with a drain delay (HTTP_DRAIN_DELAY_MS), as behind a load balancer', () => {
  let database: OwnedDatabase;
  let server: FlowgateProcess;
  const keys = generateTestKeyPair();
  const appSecret = generateAppSecret();
  const DRAIN_MS = 2_000;

  beforeAll(async () => {
    database = await startOwnedPostgres();
    server = await startFlowgate({
      ...flowgateEnv({ databaseUrl: database.url, privateKeyPem: keys.privatePem, appSecret }),
      HTTP_DRAIN_DELAY_MS: String(DRAIN_MS),
    });
  }, 60_000);

  afterAll(async () => {
    await stopFlowgate(server);
    await database?.destroy();
  });

  it('fails readiness at once, keeps serving new requests (each told to close its connection) for the delay, then exits with 0', async () => {
    const client = new FlowTestClient({ baseUrl: server.url, publicKey: keys.publicPem, appSecret });
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    const ready = await eventually(
      async () => {
        const response = await fetch(`${server.url}/health/ready`);
        return { status: response.status, body: (await response.json()) as any };
      },
      (r) => r.status === 503,
      DRAIN_MS,
      50,
    );
    expect(ready.status).toBe(503);
    expect(ready.body.error.shutdown).toEqual({ status: 'down', message: expect.stringContaining('shutting down') });
    // Still inside the delay: a new connection is accepted and served in full.
    const answer = await client.dataExchange('resilience', `drain-${randomBytes(6).toString('hex')}`, 'WELCOME', {});
    expect(Date.now() - signalledAt).toBeLessThan(DRAIN_MS);
    expect(answer.status).toBe(200);
    expect(answer.json.screen).toBe('WELCOME');
    const live = await fetch(`${server.url}/health/live`);
    expect(live.status).toBe(200);
    expect(live.headers.get('connection')).toBe('close');

    const exit = await within(server.exited, GRACE_MS, 'still running after the grace time');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(DRAIN_MS);
  }, 60_000);
});
