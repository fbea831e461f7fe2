import { registerAs } from '@nestjs/config';
import { IsOptional, MinLength } from 'class-validator';
import { EnvInt } from '../config/env-int.js';
import { validateEnv } from '../config/validate-env.js';

class AdminEnv {
  @IsOptional()
  @MinLength(16, { message: 'must be at least 16 characters' })
  ADMIN_TOKEN?: string;

  @EnvInt({ min: 1, max: 10_000, message: 'must be a whole number between 1 and 10000' })
  ADMIN_TOKEN_MAX_FAILURES?: number;

  @EnvInt({ min: 1, max: 86_400, message: 'must be a whole number of seconds between 1 and 86400' })
  ADMIN_TOKEN_FAILURE_WINDOW_S?: number;
}

export const adminConfig = registerAs('admin', () => {
  const env = validateEnv(AdminEnv);
  return {
    /** Bearer token of the admin API; unset disables it (404). */
    token: env.ADMIN_TOKEN,
    /** Failed token attempts a client address may make per window; beyond, 429 until the window ends. */
    maxFailures: env.ADMIN_TOKEN_MAX_FAILURES ?? 10,
    failureWindowMs: (env.ADMIN_TOKEN_FAILURE_WINDOW_S ?? 60) * 1000,
  };
});
