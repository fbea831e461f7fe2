import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, EntitySubscriberInterface, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

const CALLBACKS = 'flowgate:after-commit';

type Callback = () => unknown;

/**
 * Runs `callback` once the transaction `manager` belongs to has committed (at once outside a
 * transaction); never after a rollback. For effects outside the database that must not run ahead of
 * the data they describe, e.g. invalidating a cached value the transaction changes.
 */
export async function afterCommit(manager: EntityManager, callback: Callback): Promise<void> {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) {
    await callback();
    return;
  }
  ((runner.data[CALLBACKS] ??= []) as Callback[]).push(callback);
}

/** Calls what `afterCommit` queued when the outermost transaction commits; drops it on rollback. */
@Injectable()
export class AfterCommitHooks implements EntitySubscriberInterface {
  private readonly logger = new Logger(AfterCommitHooks.name);

  constructor(@InjectDataSource() dataSource: DataSource) {
    dataSource.subscribers.push(this);
  }

  async afterTransactionCommit({ queryRunner }: TransactionCommitEvent): Promise<void> {
    if (queryRunner.isTransactionActive) return; // a savepoint released: the transaction goes on
    const callbacks = (queryRunner.data[CALLBACKS] ?? []) as Callback[];
    delete queryRunner.data[CALLBACKS];
    for (const callback of callbacks) {
      try {
        await callback();
      } catch (error) {
        this.logger.warn(`An after-commit step failed: ${(error as Error).message}`);
      }
    }
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    if (!queryRunner.isTransactionActive) delete queryRunner.data[CALLBACKS];
  }
}
