import pg from 'pg';

/** Runs one statement and answers its rows. */
export type Query = <Row = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<Row[]>;

/**
 * The database of the thin + Postgres server, seen the way a hand-written endpoint uses it: a
 * statement, or a transaction on one connection. Postgres through `pg`'s Pool; the embedded variant
 * through PGlite in the same process (what a laptop's hand-written endpoint would embed).
 */
export interface ThinStore {
  description: string;
  query: Query;
  /** Runs `work` in BEGIN … COMMIT on one connection; `commit: false` (or a throw) rolls it back. */
  transaction<T>(work: (query: Query) => Promise<{ commit: boolean; value: T }>): Promise<T>;
  close(): Promise<void>;
}

/** `pg`'s Pool, as big as Flowgate's default (DATABASE_POOL_SIZE 10). */
export function postgresStore(connectionString: string, max = 10): ThinStore {
  const pool = new pg.Pool({ connectionString, max });
  return {
    description: `PostgreSQL through pg.Pool (max ${max})`,
    query: async <Row>(sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows as Row[],
    async transaction(work) {
      const client = await pool.connect();
      const query: Query = async <Row>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as Row[];
      try {
        await client.query('BEGIN');
        const { commit, value } = await work(query);
        await client.query(commit ? 'COMMIT' : 'ROLLBACK');
        client.release();
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        // A connection whose state is unknown is closed rather than reused.
        client.release(error as Error);
        throw error;
      }
    },
    close: () => pool.end(),
  };
}

/** PGlite in this process, data in `dataDir` ('memory' keeps it in memory). */
export async function pgliteStore(dataDir: string): Promise<ThinStore> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dataDir === 'memory' ? {} : { dataDir });
  return {
    description: `PGlite in process (${dataDir === 'memory' ? 'in memory' : dataDir})`,
    query: async <Row>(sql: string, params?: unknown[]) => (await db.query<Row>(sql, params)).rows,
    async transaction(work) {
      return db.transaction(async (tx) => {
        const { commit, value } = await work(async <Row>(sql: string, params?: unknown[]) => (await tx.query<Row>(sql, params)).rows);
        if (!commit) await tx.rollback();
        return value;
      });
    },
    close: () => db.close(),
  };
}
