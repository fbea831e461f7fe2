import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import { freePort } from '../support/free-port.js';
import { runBuilt } from '../support/run-built.js';
import { runServer, startServer } from '../support/server-process.js';

/**
 * The embedded database kept on disk (`.data/pglite` on a laptop), with real processes: one process
 * at a time opens it, and `db:seed --reset` gives the demo its stock back.
 */
describe('the embedded database on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-pglite-'));
  const dataDir = join(dir, 'pglite');
  const lock = join(dataDir, 'flowgate.lock');
  const keys = generateTestKeyPair();
  const env = {
    EMBEDDED_DB_DIR: dataDir,
    FLOW_PRIVATE_KEY: keys.privatePem,
    FLOW_PRIVATE_KEY_PASSPHRASE: keys.passphrase,
    WHATSAPP_APP_SECRET: generateAppSecret(),
    FLOW_MEDIA_DIR: join(dir, 'media'),
    LOG_LEVEL: 'warn',
  };
  const seed = (args: string[], extra: Record<string, string> = {}) => runBuilt('dist/src/seed.js', args, { ...env, ...extra });
  /** Reads (and changes) the data folder directly, as a person would with psql: only while no Flowgate process has it. */
  async function sql(...statements: string[]): Promise<unknown[][]> {
    const db = await PGlite.create({ dataDir });
    try {
      const results: unknown[][] = [];
      for (const statement of statements) results.push((await db.query(statement)).rows);
      return results;
    } finally {
      await db.close();
    }
  }
  const UNITS = `SELECT sum(units)::int AS units FROM inventory_stock_levels WHERE sku = 'PROD-99'`;
  const SESSIONS = `SELECT count(*)::int AS sessions FROM flow_sessions`;

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a second server, or db:seed, is refused with one line naming the process that has it; a lock left by a dead process is taken over', async () => {
    // A server that was killed left its lock behind.
    mkdirSync(dataDir, { recursive: true });
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(lock, `${gone}\nnode dist/src/main.js\n`);

    const server = await startServer(env, await freePort());
    try {
      expect(readFileSync(lock, 'utf8')).toMatch(new RegExp(`^${server.child.pid} `));
      const refusal = `flowgate: the embedded database in ${dataDir} is in use by process ${server.child.pid} (node dist/src/main.js): stop it first (one process at a time opens it), or set DATABASE_URL or another EMBEDDED_DB_DIR`;

      const second = await runServer({ ...env, HOST: '127.0.0.1', PORT: String(await freePort()) });
      expect([second.code, second.stderr.trim(), second.stdout]).toEqual([1, refusal, '']);
      const seeding = await seed([]);
      expect([seeding.code, seeding.stderr.trim(), seeding.stdout]).toEqual([1, refusal, '']);

      expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(existsSync(lock)).toBe(false);
  });

  it('db:seed --reset gives the demo its first stock back and empties what customers left; refused in production', async () => {
    // The state the walk-through leaves: three units of PROD-99 reserved, a flow session.
    await sql(
      `UPDATE inventory_stock_levels SET units = 2 WHERE sku = 'PROD-99'`,
      `INSERT INTO flow_sessions (token, flow, expires_at) VALUES ('walk-token', 'inventory', now() + interval '1 hour')`,
    );

    const refused = await seed(['--reset'], { NODE_ENV: 'production' });
    expect([refused.code, refused.stderr.trim()]).toEqual([
      1,
      "flowgate: db:seed --reset empties the application's tables: refused with NODE_ENV=production",
    ]);
    expect(await sql(UNITS, SESSIONS)).toEqual([[{ units: 2 }], [{ sessions: 1 }]]);

    const reset = await seed(['--reset']);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/^✔ Emptied \d+ tables; demo data applied: inventory, appointments \(database: embedded, in .+\)$/m);
    expect(await sql(UNITS, SESSIONS)).toEqual([[{ units: 5 }], [{ sessions: 0 }]]);
  });
});
