import { readdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import { eventually } from '../support/eventually.js';
import { freePort, startOwnedDatabase } from '../support/owned-database.js';
import { runServer, startServer, type RunningServer } from '../support/server-process.js';
import { createTestDatabase, usingRealPostgres } from '../support/test-database.js';

/** Child processes of `pid` (the cluster's workers). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('WEB_CONCURRENCY: worker processes behind one port', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-cluster-'));
  const key = generateTestKeyPair();
  const appSecret = generateAppSecret();
  let database: { env: Record<string, string | undefined>; drop(): Promise<void> };
  let server: RunningServer;
  let client: FlowTestClient;

  beforeAll(async () => {
    writeFileSync(join(dir, 'key.pem'), key.privatePem, { mode: 0o600 });
    if (usingRealPostgres()) {
      database = await createTestDatabase();
    } else {
      // The embedded database lives in one process; workers share a database server instead.
      const owned = await startOwnedDatabase();
      database = { env: { DATABASE_URL: owned.url }, drop: () => owned.destroy() };
    }
    server = await startServer(
      { ...database.env, DEMO_DATA: 'true', WEB_CONCURRENCY: '2', WHATSAPP_APP_SECRET: appSecret, FLOW_PRIVATE_KEY_FILE: join(dir, 'key.pem') },
      await freePort(),
      60_000,
    );
    client = new FlowTestClient({ baseUrl: server.url, publicKey: key.publicPem, appSecret });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs two workers that answer flow requests', async () => {
    expect(
      await eventually(
        async () => childrenOf(server.child.pid!).length,
        (workers) => workers === 2,
        15_000,
      ),
    ).toBe(2);
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => client.dataExchange('inventory', 'cluster-1', 'INVENTORY', { product_id: 'PROD-99' })),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(20).fill(200));
    expect(replies.every((reply) => reply.json.data.product_id === 'PROD-99')).toBe(true);
  });

  it('/metrics counts the requests of every worker, whichever worker is scraped', async () => {
    const count = async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const match = /^flowgate_flow_requests_total\{flow="inventory",screen="",action="ping",outcome="ok"\} (\d+)$/m.exec(text);
      return Number(match?.[1] ?? 0);
    };
    const before = await count();
    // New connections each time, so the cluster spreads them over both workers.
    for (let i = 0; i < 30; i++) expect((await client.ping('inventory', { headers: { connection: 'close' } })).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await count()) - before).toBe(30);
  });

  it('a worker killed with SIGKILL is replaced and the service keeps answering', async () => {
    const [victim] = childrenOf(server.child.pid!);
    process.kill(victim, 'SIGKILL');
    const replaced = (workers: number[]) => workers.length === 2 && !workers.includes(victim);
    expect(replaced(await eventually(async () => childrenOf(server.child.pid!), replaced, 15_000))).toBe(true);
    expect(
      await eventually(
        () => fetch(`${server.url}/health/ready`).then((r) => r.status),
        (status) => status === 200,
        15_000,
      ),
    ).toBe(200);
    expect((await client.ping('inventory')).status).toBe(200);
    // The primary's line goes out through an asynchronous write: on a busy machine it can arrive after the replacement.
    const line = /Worker \d+ exited \(SIGKILL\); starting another/;
    expect(
      await eventually(
        async () => server.output(),
        (output) => line.test(output),
        10_000,
      ),
    ).toMatch(line);
  });

  it('SIGTERM stops every worker, then the primary exits 0', async () => {
    const workers = childrenOf(server.child.pid!);
    expect(await server.stop()).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  });

  it('workers that keep failing before they serve (the port is taken) make the primary give up with exit code 1', async () => {
    const holder = createServer();
    const port = await freePort();
    await new Promise<void>((listening) => holder.listen(port, '0.0.0.0', listening));
    try {
      const run = await runServer(
        { ...database.env, WEB_CONCURRENCY: '2', PORT: String(port), WHATSAPP_APP_SECRET: appSecret, FLOW_PRIVATE_KEY_FILE: join(dir, 'key.pem') },
        60_000,
      );
      expect(`${run.stdout}${run.stderr}`).toMatch(/Workers keep exiting before serving \(last: code \d+\); stopping/);
      expect(run.code).toBe(1);
    } finally {
      await new Promise((closed) => holder.close(closed));
    }
  }, 90_000);

  it('refuses WEB_CONCURRENCY above 1 on the embedded database, in one line', async () => {
    const run = await runServer({ DATABASE_URL: undefined, EMBEDDED_DB_DIR: 'memory', WEB_CONCURRENCY: '2' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      'flowgate: Invalid configuration: WEB_CONCURRENCY above 1 needs DATABASE_URL (the embedded database lives in one process)',
    );
  });
});
