import { Global, Logger, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { BullModule } from '@nestjs/bullmq';
import { createPostgresBackend, setDefaultBackendFactory } from 'bullmq';
import { DataSource } from 'typeorm';
import { queueConfig } from './queue.config.js';

/**
 * BullMQ for background work, on the application's own Postgres (nothing extra to run; works on the
 * embedded database) or on Redis. Queues are registered by the modules that own them.
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [queueConfig.KEY, DataSource],
      useFactory: (config: ConfigType<typeof queueConfig>, dataSource: DataSource) => {
        const logger = new Logger('Queue');
        if (config.backend === 'redis') {
          // @nestjs/bullmq builds queues without a backend argument: the process-wide default decides.
          setDefaultBackendFactory(undefined);
          logger.log('Queue backend: Redis');
          const url = new URL(config.redisUrl!);
          return {
            prefix: config.prefix,
            connection: {
              host: url.hostname,
              port: Number(url.port || 6379),
              username: url.username || undefined,
              password: url.password ? decodeURIComponent(url.password) : undefined,
              db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined,
              tls: url.protocol === 'rediss:' ? {} : undefined,
              maxRetriesPerRequest: null,
            },
          };
        }
        setDefaultBackendFactory(createPostgresBackend);
        logger.log('Queue backend: Postgres');
        const url = (dataSource.options as { url?: string }).url!;
        return {
          prefix: config.prefix,
          // The queue's own tables are migrated by BullMQ, under its own advisory lock.
          connection: { connectionString: url, schema: 'public', migrate: true, max: 4, connectionTimeoutMillis: 5_000 } as never,
        };
      },
    }),
  ],
  exports: [BullModule],
})
export class QueueModule {}
