import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startOwnedDatabase, type OwnedDatabase } from '../support/owned-database.js';
import { PROJECT_ROOT } from '../support/server-process.js';
import { newestMigrationName } from '../support/registered-flows.js';

const run = promisify(execFile);

describe('migrations and entities', () => {
  let database: OwnedDatabase;
  const typeorm = (...args: string[]) =>
    run(process.execPath, ['node_modules/typeorm/cli.js', ...args, '-d', 'dist/src/data-source.js'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: database.url },
    });

  beforeAll(async () => {
    database = await startOwnedDatabase();
  });
  afterAll(async () => database?.destroy());

  it('npm run migration:run applies every migration, and the entities describe exactly that schema', async () => {
    await typeorm('migration:run');
    // --check fails when migration:generate would produce a migration: entities and migrations agree.
    const { stdout } = await typeorm('migration:generate', '--check', 'migrations/Check');
    expect(stdout).toContain('No changes in database schema were found');
  }, 120_000);

  it('npm run migration:revert undoes the last migration', async () => {
    const { stdout } = await typeorm('migration:revert');
    // The newest of the core's and the flow modules' migrations, whichever flows are registered.
    expect(stdout).toContain(`Migration ${newestMigrationName()} has been reverted successfully`);
    await typeorm('migration:run');
  }, 120_000);
});
