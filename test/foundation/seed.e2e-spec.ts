import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, usingRealPostgres } from '../support/test-database.js';
import { runBuilt } from '../support/run-built.js';

/** Runs the built seed command as `npm run db:seed` does. */
const runSeed = (env: Record<string, string | undefined>) => runBuilt('dist/src/seed.js', [], { LOG_LEVEL: 'warn', ...env });

describe('npm run db:seed', () => {
  it('applies every flow module’s demo data, idempotently', async () => {
    const database = await createTestDatabase();
    try {
      for (let run = 0; run < 2; run++) {
        const result = await runSeed({ ...database.env, DEMO_DATA: 'false' });
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        // One line: what was seeded, and where.
        expect(result.stdout.trim().split('\n')).toEqual([
          expect.stringMatching(/^✔ Demo data applied: inventory, appointments \(database: (postgres|embedded).*\)$/),
        ]);
      }
      if (usingRealPostgres()) {
        const client = new pg.Client({ connectionString: database.env.DATABASE_URL });
        await client.connect();
        const { rows } = await client.query(`SELECT sum(units)::int AS units FROM inventory_stock_levels WHERE sku = 'PROD-99'`);
        await client.end();
        expect(rows[0].units).toBe(5);
      }
    } finally {
      await database.drop();
    }
  });
});
