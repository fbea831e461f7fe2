import { registerAs } from '@nestjs/config';
import { IsOptional, MinLength } from 'class-validator';
import { validateEnv } from '../config/validate-env.js';

class AdminEnv {
  @IsOptional()
  @MinLength(16, { message: 'must be at least 16 characters' })
  ADMIN_TOKEN?: string;
}

export const adminConfig = registerAs('admin', () => {
  const env = validateEnv(AdminEnv);
  /** Bearer token of the admin API; unset disables it (404). */
  return { token: env.ADMIN_TOKEN };
});
