import { spawn } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { PROJECT_ROOT } from '../support/server-process.js';
import { createTestDatabase, usingRealPostgres } from '../support/test-database.js';

function runSeed(env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/src/seed.js'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env } as NodeJS.ProcessEnv,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run db:seed', () => {
  it('applies every flow module’s demo data, idempotently', async () => {
    const database = await createTestDatabase();
    try {
      for (let run = 0; run < 2; run++) {
        const result = await runSeed({ ...database.env, DEMO_DATA: 'false' });
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        expect(result.stdout).toContain('Demo data applied: inventory, appointments');
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
