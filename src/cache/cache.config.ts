import { registerAs } from '@nestjs/config';
import { IsOptional, Matches } from 'class-validator';
import { EnvInt } from '../config/env-int.js';
import { validateEnv } from '../config/validate-env.js';

class CacheEnv {
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsOptional()
  @Matches(/^[a-zA-Z0-9_-]{1,40}$/, { message: 'must be 1 to 40 letters, digits, - or _' })
  CACHE_NAMESPACE?: string;

  @EnvInt({ min: 1, message: 'must be a whole number of milliseconds' })
  CACHE_TTL_MS?: number;
}

export const cacheConfig = registerAs('cache', () => {
  const env = validateEnv(CacheEnv);
  return {
    redisUrl: env.REDIS_URL,
    /** Default TTL for entries that do not set their own. */
    ttlMs: env.CACHE_TTL_MS ?? 60_000,
    /** Key prefix in Redis, so deployments (or test runs) sharing one Redis never see each other's entries. */
    namespace: env.CACHE_NAMESPACE ?? 'flowgate',
  };
});

export type CacheConfig = ReturnType<typeof cacheConfig>;
