import { registerAs } from '@nestjs/config';
import { IsOptional, MinLength } from 'class-validator';
import { validateEnv } from '../config/validate-env.js';

class MetricsEnv {
  @IsOptional()
  @MinLength(16, { message: 'must be at least 16 characters' })
  METRICS_TOKEN?: string;
}

export const metricsConfig = registerAs('metrics', () => {
  const env = validateEnv(MetricsEnv);
  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  return { token: env.METRICS_TOKEN };
});
