import { Global, Module } from '@nestjs/common';
import { QueueConnection } from './queue-connection.js';

/** BullMQ for background work; each capability owns its queues (see ResilientQueue). */
@Global()
@Module({ providers: [QueueConnection], exports: [QueueConnection] })
export class QueueModule {}
