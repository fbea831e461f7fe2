import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import { TypeOrmLogger } from './typeorm-logger.js';

/**
 * The one TypeORM options object: the Nest module and the migration CLI both start from it.
 * Schema changes only ever come from migrations.
 */
export function typeOrmOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations,
    migrationsTableName: 'migrations',
    // gen_random_uuid() is built into Postgres 13+; no extension to install (PGlite has none).
    installExtensions: false,
    poolSize,
    extra: {
      // Fail fast when the database is unreachable instead of hanging a request.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      application_name: 'flowgate',
    },
    logger: new TypeOrmLogger(),
    logging: ['error', 'warn', 'migration'],
    maxQueryExecutionTime: 1_000,
  };
}
