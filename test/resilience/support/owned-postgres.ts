import { startOwnedDatabase, type OwnedDatabase } from '../../support/owned-database.js';

/**
 * A real PostgreSQL cluster of the test's own (initdb/pg_ctl, own data folder and port). The
 * resilience tests stop and restart it, which only means something on a real server: without
 * PostgreSQL's binaries they fail saying so instead of running against something else.
 */
export async function startOwnedPostgres(): Promise<OwnedDatabase> {
  const database = await startOwnedDatabase({ realPostgres: true });
  if (database.kind !== 'postgres') {
    await database.destroy();
    throw new Error(
      'The resilience tests need a real PostgreSQL of their own: install PostgreSQL (initdb and pg_ctl under ' + '/usr/lib/postgresql/<version>/bin)',
    );
  }
  return database;
}
