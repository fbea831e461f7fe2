import type { DataSourceOptions, MigrationInterface } from 'typeorm';
import { migrations as coreMigrations } from '../../migrations/index.js';
import { TypeOrmLogger } from './typeorm-logger.js';

export interface DatabaseTimeouts {
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
}

/** How long past the server's statement timeout the client gives up on an answer that never comes. */
const QUERY_TIMEOUT_MARGIN_MS = 2_000;

/**
 * The one TypeORM options object: the Nest module and the migration CLI both start from it.
 * Schema changes only ever come from migrations. With `timeouts`, no statement, lock wait or idle
 * transaction can hold a connection (and the rows it locked) for long. `logQueries` logs each
 * query's text at debug level (never its parameters). `migrations`: the core's and those of the
 * modules in use (see database-feature.ts).
 */
export function typeOrmOptions(
  url: string,
  poolSize = 10,
  timeouts?: DatabaseTimeouts,
  logQueries = false,
  migrations: Array<new () => MigrationInterface> = coreMigrations,
): DataSourceOptions {
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
      // Queries given to a connection together are sent without waiting for the one before: a
      // data request's transaction starts with its first statement and commits with its last.
      pipeline: true,
      ...(timeouts && {
        // Server side: a statement (lock waits included) is cancelled, an idle transaction ended.
        statement_timeout: timeouts.statementTimeoutMs,
        idle_in_transaction_session_timeout: timeouts.idleInTransactionTimeoutMs,
        // Client side: a server that stops answering at all (a lost network) does not hold the query forever.
        query_timeout: timeouts.statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS,
      }),
    },
    logger: new TypeOrmLogger(logQueries),
    logging: ['error', 'warn', 'migration'],
    maxQueryExecutionTime: 1_000,
  };
}
