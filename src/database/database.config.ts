import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { EnvInt } from '../config/env-int.js';
import { ConfigValidationError } from '../config/config-validation-error.js';
import { validateEnv } from '../config/validate-env.js';

class DatabaseEnv {
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// connection URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @IsString()
  EMBEDDED_DB_DIR?: string;

  @EnvInt({ min: 1, max: 100, message: 'must be an integer between 1 and 100' })
  DATABASE_POOL_SIZE?: number;

  @EnvInt({ min: 100, max: 600_000, message: 'must be a whole number of milliseconds between 100 and 600000' })
  DATABASE_STATEMENT_TIMEOUT_MS?: number;

  @EnvInt({ min: 100, max: 3_600_000, message: 'must be a whole number of milliseconds between 100 and 3600000' })
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS?: number;

  @IsOptional()
  @IsIn(['auto', 'true', 'false'], { message: 'must be auto, true or false' })
  DEMO_DATA?: 'auto' | 'true' | 'false';

  @IsOptional()
  @IsString()
  NODE_ENV?: string;
}

/** `EMBEDDED_DB_DIR=memory` keeps the embedded database in memory only. */
export const EMBEDDED_IN_MEMORY = 'memory';

export const databaseConfig = registerAs('database', () => {
  const env = validateEnv(DatabaseEnv);
  if (!env.DATABASE_URL && env.NODE_ENV === 'production' && !env.EMBEDDED_DB_DIR) {
    throw new ConfigValidationError(
      'Invalid configuration: DATABASE_URL is required when NODE_ENV=production (set EMBEDDED_DB_DIR to use the embedded database on purpose)',
    );
  }
  return {
    url: env.DATABASE_URL,
    embeddedDir: env.EMBEDDED_DB_DIR ?? '.data/pglite',
    poolSize: env.DATABASE_POOL_SIZE ?? 10,
    /**
     * A statement (lock waits included) running longer is cancelled; on the embedded database, the
     * longest a connection waits for its turn.
     */
    statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS ?? 10_000,
    /** A connection idle inside a transaction longer is ended and its transaction rolled back. */
    idleInTransactionTimeoutMs: env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS ?? 10_000,
    /** `auto`: demo data on the embedded database, and never in production (only `true` seeds there). */
    demoData: env.DEMO_DATA ?? 'auto',
    production: env.NODE_ENV === 'production',
  };
});

export type DatabaseConfig = ReturnType<typeof databaseConfig>;

/** A connection URL without its credentials: host, port and database are enough to recognise it. */
export function describeDatabase(config: DatabaseConfig): string {
  if (!config.url) return config.embeddedDir === EMBEDDED_IN_MEMORY ? 'embedded, in memory' : `embedded, in ${config.embeddedDir}`;
  try {
    const url = new URL(config.url);
    return `postgres ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return 'postgres';
  }
}
