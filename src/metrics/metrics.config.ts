import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, IsString, MinLength } from 'class-validator';
import { ConfigValidationError } from '../config/config-validation-error.js';
import { validateEnv } from '../config/validate-env.js';

class MetricsEnv {
  @IsOptional()
  @MinLength(16, { message: 'must be at least 16 characters' })
  METRICS_TOKEN?: string;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  METRICS_PUBLIC?: 'true' | 'false';

  @IsOptional() @IsString() NODE_ENV?: string;
}

export const metricsConfig = registerAs('metrics', () => {
  const env = validateEnv(MetricsEnv);
  const declaredPublic = env.METRICS_PUBLIC === 'true';
  if (declaredPublic && env.METRICS_TOKEN) {
    throw new ConfigValidationError('Invalid configuration: METRICS_PUBLIC=true contradicts METRICS_TOKEN (set one of them)');
  }
  // In production /metrics is never public by accident: a token, or a decision to publish it.
  if (env.NODE_ENV === 'production' && !env.METRICS_TOKEN && !declaredPublic) {
    throw new ConfigValidationError(
      'Invalid configuration: METRICS_TOKEN is required when NODE_ENV=production (or METRICS_PUBLIC=true to serve /metrics without a token)',
    );
  }
  return {
    /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
    token: env.METRICS_TOKEN,
    /** True when METRICS_PUBLIC=true said so; false when public only because nothing is configured (outside production). */
    declaredPublic,
  };
});
