import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Where the benchmarked server keeps its data, and how to count what it stored once it has stopped. */
export interface BenchDatabase {
  kind: 'postgres' | 'embedded';
  /** Environment for Flowgate. */
  env: Record<string, string>;
  description: string;
  /** Rows in `table` (call after the server stopped, for the embedded database). */
  count(table: string): Promise<number>;
  dispose(): Promise<void>;
}

/**
 * With `DATABASE_URL`: a database of its own on that server, dropped afterwards (nothing of the
 * benchmark is left in yours). Without: Flowgate's embedded database in a temporary folder.
 */
export async function benchDatabase(databaseUrl: string | undefined): Promise<BenchDatabase> {
  if (databaseUrl) {
    const name = `flowgate_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const [{ server_version: version }] = (await admin.query('SHOW server_version')).rows;
    await admin.end();
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    return {
      kind: 'postgres',
      env: { DATABASE_URL: url.toString() },
      description: `PostgreSQL ${version} (${url.host}, database ${name}, dropped afterwards)`,
      async count(table) {
        const client = new pg.Client({ connectionString: url.toString() });
        await client.connect();
        try {
          return Number((await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);
        } finally {
          await client.end();
        }
      },
      async dispose() {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-bench-db-'));
  return {
    kind: 'embedded',
    env: { EMBEDDED_DB_DIR: dir },
    description: `embedded PGlite in Flowgate's process (${dir}, removed afterwards)`,
    async count(table) {
      const { PGlite } = await import('@electric-sql/pglite');
      const db = await PGlite.create({ dataDir: dir });
      try {
        return Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);
      } finally {
        await db.close();
      }
    },
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
