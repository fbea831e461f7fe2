import { Global, Logger, Module } from '@nestjs/common';
import { CacheModule, type CacheModuleOptions } from '@nestjs/cache-manager';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { Keyv } from 'keyv';
import { databaseConfig } from '../database/database.config.js';
import { cacheConfig } from './cache.config.js';
import { CacheInvalidations } from './invalidation-bus.js';
import { ReadThroughCache } from './read-through-cache.js';

/** The global cache: in memory by default, Redis when REDIS_URL is set, with in-process copies kept in step by CacheInvalidations. */
@Global()
@Module({
  imports: [
    ConfigModule.forFeature(cacheConfig),
    ConfigModule.forFeature(databaseConfig),
    CacheModule.registerAsync({
      isGlobal: true,
      imports: [ConfigModule.forFeature(cacheConfig)],
      inject: [cacheConfig.KEY],
      useFactory: async (config: ConfigType<typeof cacheConfig>): Promise<CacheModuleOptions> => {
        const logger = new Logger('Cache');
        if (!config.redisUrl) {
          logger.log('Cache: in memory (set REDIS_URL to share it between replicas)');
          return { ttl: config.ttlMs };
        }
        // Loaded only when used: the Redis client is a fifth of the modules the process would load
        // (the CLI and a laptop's server never use it).
        const { default: KeyvRedis } = await import('@keyv/redis');
        const redis = new KeyvRedis(
          // Without Redis, commands fail at once instead of waiting in the client's offline queue
          // for a reconnect: a waiting cache read would hold flow requests past their time budget.
          { url: config.redisUrl, socket: { connectTimeout: 2_000 }, disableOfflineQueue: true },
          // A failed write must fail, not look done: the read-through cache copies a value into the
          // process only when Redis took it (a copy made while Redis was away would answer for its
          // whole TTL and Redis would never be filled again).
          { throwOnConnectError: false, throwOnErrors: true },
        );
        const store = new Keyv({ store: redis, namespace: config.namespace, throwOnErrors: true });
        store.on('error', (error: Error) => logger.warn(`Redis cache error: ${error.message}`));
        logger.log('Cache: Redis');
        return { ttl: config.ttlMs, stores: [store] };
      },
    }),
  ],
  providers: [ReadThroughCache, CacheInvalidations],
  exports: [ReadThroughCache],
})
export class AppCacheModule {}
