import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { QueueConnection } from './queue-connection.js';
import { queueConfig } from './queue.config.js';

/**
 * BullMQ for background work: import it where a capability keeps a queue (each owns its queues,
 * see ResilientQueue); the one QueueConnection is shared by every importer.
 */
@Module({ imports: [ConfigModule.forFeature(queueConfig)], providers: [QueueConnection], exports: [QueueConnection] })
export class QueueModule {}
