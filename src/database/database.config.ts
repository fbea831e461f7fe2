import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { EnvInt } from '../config/env-int.js';
import { ConfigValidationError, validateEnv } from '../config/validate-env.js';

class DatabaseEnv {
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// connection URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @IsString()
  EMBEDDED_DB_DIR?: string;

  @EnvInt({ min: 1, max: 100, message: 'must be an integer between 1 and 100' })
  DATABASE_POOL_SIZE?: number;

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
    /** `auto`: demo data on the embedded database, and never in production (only `true` seeds there). */
    demoData: env.DEMO_DATA ?? 'auto',
    production: env.NODE_ENV === 'production',
  };
});

export type DatabaseConfig = ReturnType<typeof databaseConfig>;
