import { Logger } from '@nestjs/common';
import { MigrationExecutor, type DataSource } from 'typeorm';

// Arbitrary constant shared by every Flowgate replica: "flowgate" in ASCII, as a bigint.
const MIGRATION_LOCK_ID = '112308272305252';

/**
 * Applies pending migrations under a Postgres advisory lock, so replicas starting together
 * run them once: the first takes the lock and migrates, the others wait and find nothing to do.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const logger = new Logger('Migrations');
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  try {
    await queryRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const executor = new MigrationExecutor(dataSource, queryRunner);
    const applied = await executor.executePendingMigrations();
    const names = applied.map((migration) => migration.name);
    logger.log(names.length ? `Applied migrations: ${names.join(', ')}` : 'Database schema is up to date');
    return names;
  } finally {
    await queryRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await queryRunner.release();
  }
}
