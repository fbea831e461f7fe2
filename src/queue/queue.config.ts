import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { ConfigValidationError } from '../config/config-validation-error.js';
import { validateEnv } from '../config/validate-env.js';

class QueueEnv {
  @IsOptional()
  @IsIn(['postgres', 'redis'], { message: 'must be postgres or redis' })
  QUEUE_BACKEND?: 'postgres' | 'redis';

  @IsOptional()
  @Matches(/^[a-zA-Z0-9_-]{1,40}$/, { message: 'must be 1 to 40 letters, digits, - or _' })
  QUEUE_PREFIX?: string;

  @IsOptional()
  @Matches(/^[a-zA-Z0-9_-]{1,40}$/, { message: 'must be 1 to 40 letters, digits, - or _' })
  CACHE_NAMESPACE?: string;

  @IsOptional() REDIS_URL?: string;
}

export const queueConfig = registerAs('queue', () => {
  const env = validateEnv(QueueEnv);
  const backend = env.QUEUE_BACKEND ?? (env.REDIS_URL ? 'redis' : 'postgres');
  if (backend === 'redis' && !env.REDIS_URL) {
    throw new ConfigValidationError('Invalid configuration: QUEUE_BACKEND=redis needs REDIS_URL');
  }
  return {
    /** BullMQ's backend: the application's Postgres by default, Redis when REDIS_URL is set. */
    backend,
    redisUrl: env.REDIS_URL,
    /**
     * Namespace of the queues. By default the cache's: deployments sharing one Redis are told apart
     * by CACHE_NAMESPACE, and would otherwise work each other's jobs (whose events are not in their
     * database) while keeping their caches apart.
     */
    prefix: env.QUEUE_PREFIX ?? env.CACHE_NAMESPACE ?? 'flowgate',
  };
});
