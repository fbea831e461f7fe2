import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Where a test app keeps its data. With DATABASE_URL set (CI, a developer's Postgres), each test
 * file gets a fresh database on that server, dropped afterwards; without it, the app's own
 * embedded database in memory. Either way tests never share state.
 */
export interface TestDatabase {
  env: Record<string, string | undefined>;
  drop(): Promise<void>;
}

export function usingRealPostgres(): boolean {
  return Boolean(process.env.DATABASE_URL);
}

/** Refuses a server URL whose database is not obviously meant for tests. */
function serverUrl(): URL {
  const url = new URL(process.env.DATABASE_URL!);
  if (!/test/i.test(url.pathname)) {
    throw new Error(`Refusing to run tests against ${url.pathname}: its name must contain "test"`);
  }
  return url;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!usingRealPostgres()) {
    return { env: { DATABASE_URL: undefined, EMBEDDED_DB_DIR: 'memory' }, drop: async () => undefined };
  }
  const admin = serverUrl();
  const name = `flowgate_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    drop: async () => {
      const dropper = new pg.Client({ connectionString: admin.toString() });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropper.end();
    },
  };
}
