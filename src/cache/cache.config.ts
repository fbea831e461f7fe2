import { registerAs } from '@nestjs/config';
import { IsOptional, Matches } from 'class-validator';
import { EnvInt } from '../config/env-int.js';
import { validateEnv } from '../config/validate-env.js';

class CacheEnv {
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @EnvInt({ min: 1, message: 'must be a whole number of milliseconds' })
  CACHE_TTL_MS?: number;
}

export const cacheConfig = registerAs('cache', () => {
  const env = validateEnv(CacheEnv);
  return {
    redisUrl: env.REDIS_URL,
    /** Default TTL for entries that do not set their own. */
    ttlMs: env.CACHE_TTL_MS ?? 60_000,
  };
});

export type CacheConfig = ReturnType<typeof cacheConfig>;
