import { Logger } from '@nestjs/common';
import { MigrationExecutor, type DataSource } from 'typeorm';

/** node-pg reads a client's query timeout from its connection parameters at every query. */
type PgClientTimeouts = { connectionParameters?: { query_timeout?: number | false } };

// Arbitrary constant shared by every Flowgate replica: "flowgate" in ASCII, as a bigint.
const MIGRATION_LOCK_ID = '112308272305252';

/**
 * Applies pending migrations under a Postgres advisory lock, so replicas starting together
 * run them once: the first takes the lock and migrates, the others wait and find nothing to do.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const logger = new Logger('Migrations');
  const queryRunner = dataSource.createQueryRunner();
  const client = (await queryRunner.connect()) as PgClientTimeouts;
  // A migration may rightly run long (an index on a big table) or wait for another replica's: the
  // request-sized timeouts do not apply to this connection while it migrates.
  const queryTimeout = client.connectionParameters?.query_timeout;
  if (client.connectionParameters) client.connectionParameters.query_timeout = false;
  try {
    await queryRunner.query('SET statement_timeout = 0');
    await queryRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const executor = new MigrationExecutor(dataSource, queryRunner);
    const applied = await executor.executePendingMigrations();
    const names = applied.map((migration) => migration.name);
    logger.log(names.length ? `Applied migrations: ${names.join(', ')}` : 'Database schema is up to date');
    return names;
  } finally {
    await queryRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await queryRunner.query('RESET statement_timeout').catch(() => undefined);
    if (client.connectionParameters) client.connectionParameters.query_timeout = queryTimeout;
    await queryRunner.release();
  }
}
