import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { ConfigValidationError, validateEnv } from '../config/validate-env.js';

class QueueEnv {
  @IsOptional()
  @IsIn(['postgres', 'redis'], { message: 'must be postgres or redis' })
  QUEUE_BACKEND?: 'postgres' | 'redis';

  @IsOptional()
  @Matches(/^[a-zA-Z0-9_-]{1,40}$/, { message: 'must be 1 to 40 letters, digits, - or _' })
  QUEUE_PREFIX?: string;

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
    /** Namespace of the queues (several deployments can share one Redis). */
    prefix: env.QUEUE_PREFIX ?? 'flowgate',
  };
});
