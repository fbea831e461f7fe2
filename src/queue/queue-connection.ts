import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createPostgresBackend, setDefaultBackendFactory, type ConnectionOptions } from 'bullmq';
import { DataSource } from 'typeorm';
import { guardPgClients } from './guard-pg-clients.js';
import { queueConfig } from './queue.config.js';

/**
 * Where BullMQ keeps its queues: the application's own Postgres (nothing extra to run; works on the
 * embedded database) or Redis. Queue and worker owners build their BullMQ objects from `options()`.
 */
@Injectable()
export class QueueConnection {
  private readonly logger = new Logger('Queue');
  readonly options: { connection: ConnectionOptions; prefix: string };

  constructor(@Inject(queueConfig.KEY) config: ConfigType<typeof queueConfig>, dataSource: DataSource) {
    if (config.backend === 'redis') {
      // BullMQ picks its backend from a process-wide default.
      setDefaultBackendFactory(undefined);
      const url = new URL(config.redisUrl!);
      this.options = {
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
      this.logger.log('Queue backend: Redis');
    } else {
      setDefaultBackendFactory(createPostgresBackend);
      const Client = guardPgClients();
      const url = (dataSource.options as { url?: string }).url!;
      this.options = {
        prefix: config.prefix,
        // BullMQ migrates its own tables, under its own advisory lock.
        connection: { connectionString: url, schema: 'public', migrate: true, max: 4, connectionTimeoutMillis: 5_000, Client } as never,
      };
      this.logger.log('Queue backend: Postgres');
    }
  }
}
