import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { FLOWGATE_TABLES } from './flowgate.js';
import { PRODUCT } from './scenarios.js';

/** Where the benchmarked server keeps its data, and how to count what it stored once it has stopped. */
export interface BenchDatabase {
  kind: 'postgres' | 'embedded';
  /** Environment for Flowgate. */
  env: Record<string, string>;
  /** Environment for the thin + Postgres server: the same Postgres database (its own tables), or its own PGlite folder. */
  thinEnv: Record<string, string>;
  description: string;
  /** Rows in `table` (call after the server stopped, for the embedded database). */
  count(table: string): Promise<number>;
  /** Runs one statement (on the embedded database only while Flowgate is stopped: PGlite has one user). */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /**
   * Before a measured load: a checkpoint on Postgres, so every load starts at the same point of the
   * checkpoint cycle. Otherwise a timed checkpoint (every 5 minutes by default) lands inside whichever
   * load happens to run then, and that load alone pays the full-page images of every page it touches
   * first. Nothing on the embedded database (its one user is the server under test).
   */
  settle(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * With `DATABASE_URL`: a database of its own on that server, dropped afterwards (nothing of the
 * benchmark is left in yours). Without: Flowgate's embedded database in a temporary folder (and
 * another for the thin + Postgres server's own PGlite).
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
    let checkpoints = true;
    const database: BenchDatabase = {
      kind: 'postgres',
      env: { DATABASE_URL: url.toString() },
      thinEnv: { DATABASE_URL: url.toString() },
      description: `PostgreSQL ${version} (${url.host}, database ${name}, dropped afterwards)`,
      async query<Row>(sql: string, params?: unknown[]) {
        const client = new pg.Client({ connectionString: url.toString() });
        await client.connect();
        try {
          return (await client.query(sql, params)).rows as Row[];
        } finally {
          await client.end();
        }
      },
      count: (table) => countRows(database, table),
      async settle() {
        if (!checkpoints) return;
        await this.query('CHECKPOINT').catch((error: Error) => {
          // CHECKPOINT needs a superuser or pg_checkpoint: without, loads are measured as they come.
          checkpoints = false;
          process.stderr.write(`bench: no CHECKPOINT before each load (${error.message}); a timed checkpoint may land in any load\n`);
        });
      },
      async dispose() {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
    return database;
  }
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-bench-db-'));
  const thinDir = mkdtempSync(join(tmpdir(), 'flowgate-bench-thin-db-'));
  const database: BenchDatabase = {
    kind: 'embedded',
    env: { EMBEDDED_DB_DIR: dir },
    thinEnv: { THIN_PGLITE_DIR: thinDir },
    description: `embedded PGlite in Flowgate's process (${dir}, removed afterwards)`,
    async query<Row>(sql: string, params?: unknown[]) {
      const { PGlite } = await import('@electric-sql/pglite');
      const db = await PGlite.create({ dataDir: dir });
      try {
        return (await db.query<Row>(sql, params)).rows;
      } finally {
        await db.close();
      }
    },
    count: (table) => countRows(database, table),
    settle: async () => undefined,
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
      rmSync(thinDir, { recursive: true, force: true });
    },
  };
  return database;
}

async function countRows(database: BenchDatabase, table: string): Promise<number> {
  return Number((await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n);
}

/** Units of PROD-99 each server starts with: more than any run reserves (one unit per completion), so no refill is needed. */
export const GENEROUS_STOCK = 100_000_000;

/** Sets Flowgate's stock of PROD-99 in its local warehouse (its demo data has 5 units). */
export async function stockFlowgate(database: BenchDatabase, units = GENEROUS_STOCK): Promise<void> {
  const rows = await database.query(`UPDATE ${FLOWGATE_TABLES.stock} SET units = $1 WHERE sku = $2 AND warehouse_id = 'LOCAL' RETURNING units`, [
    units,
    PRODUCT,
  ]);
  if (rows.length !== 1) throw new Error(`no stock row for ${PRODUCT} in ${FLOWGATE_TABLES.stock}: Flowgate's demo data was not applied`);
}

/** What Flowgate reserved for the benchmark's flow tokens, and the stock of PROD-99 left. */
export async function flowgateReservations(database: BenchDatabase): Promise<{ reservations: number; reserved: number; units: number }> {
  const [row] = await database.query<{ reservations: number; reserved: number; units: number }>(
    `SELECT (SELECT count(*)::int FROM ${FLOWGATE_TABLES.reservations} WHERE flow_token LIKE 'bench-%') AS reservations,
            (SELECT coalesce(sum(quantity), 0)::int FROM ${FLOWGATE_TABLES.reservations} WHERE flow_token LIKE 'bench-%') AS reserved,
            (SELECT units FROM ${FLOWGATE_TABLES.stock} WHERE sku = $1 AND warehouse_id = 'LOCAL') AS units`,
    [PRODUCT],
  );
  return row;
}
