import type { PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import { TransactionNotStartedError, type DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner.js';

/** What pg's client exposes of its socket and mode (`pipeline` is a documented client option). */
type PipelinedClient = PoolClient & { pipeline?: boolean; connection?: { stream?: { cork?(): void; uncork?(): void; destroy?(): void } } };

/**
 * Sends `queries` on `client` in one write: on a pipelined connection (typeorm-options.ts) the
 * server runs them back to back and answers them together, one round trip for all. Each still
 * gets its own result or error, in order, and a failed one does not stop the ones behind it.
 */
function inOneWrite(client: PoolClient, ...queries: QueryConfig[]): Array<Promise<QueryResult>> {
  const connection = client as PipelinedClient;
  // Queued on a connection that is not pipelined, the second would wait for the first's answer.
  if (!connection.pipeline) throw new Error("The database pool's connections must be pipelined (pg's pipeline option, typeorm-options.ts)");
  const stream = connection.connection?.stream;
  stream?.cork?.();
  try {
    return queries.map((query) => client.query(query));
  } finally {
    stream?.uncork?.();
  }
}

/**
 * TypeORM's query runner for a data request's transaction, two round trips shorter: START
 * TRANSACTION goes out with the transaction's first statement, and its last statement with COMMIT.
 * TypeORM's view of the transaction (whether it is active, its depth, the start, commit and
 * rollback events that after-commit hooks listen to) ends as its own startTransaction and
 * commitTransaction leave it, so a handler's manager, its nested transactions and rollbacks work
 * as with any runner.
 */
export class SessionQueryRunner extends PostgresQueryRunner {
  /** A runner on `dataSource`'s pool with its entity manager, as DataSource.createQueryRunner() makes one. */
  static create(dataSource: DataSource): SessionQueryRunner {
    const runner = new SessionQueryRunner(dataSource.driver as PostgresDriver, 'master');
    return Object.assign(runner, { manager: dataSource.createEntityManager(runner) });
  }

  /** The connection this runner holds (once connected). */
  get client(): PoolClient {
    return this.databaseConnection as PoolClient;
  }

  /**
   * Hands the connection back broken, so the pool closes it instead of reusing it: the server rolls
   * back what it held, and a late query on it fails instead of running outside the transaction.
   */
  abandon(reason: Error): Promise<void> {
    // A pipelined connection that is ended waits for the queries on the wire (a lock wait, a stalled
    // database): this one must close now, so its socket goes first.
    (this.databaseConnection as PipelinedClient | undefined)?.connection?.stream?.destroy?.();
    // The driver's own way to release a connection with an error; TypeORM declares it private.
    return (this as unknown as { releasePostgresConnection(error: Error): Promise<void> }).releasePostgresConnection(reason);
  }

  /** Starts the transaction and runs `first` in it, in one round trip; the transaction is active even when `first` fails. */
  async startTransactionWith<R extends QueryResultRow>(first: QueryConfig): Promise<QueryResult<R>> {
    const client = (await this.connect()) as PoolClient;
    this.isTransactionActive = true;
    await this.broadcaster.broadcast('BeforeTransactionStart');
    const [begun, result] = await Promise.allSettled(inOneWrite(client, { text: 'START TRANSACTION' }, first));
    if (begun.status === 'rejected') {
      this.isTransactionActive = false;
      throw begun.reason;
    }
    this.transactionDepth = 1;
    await this.broadcaster.broadcast('AfterTransactionStart');
    if (result.status === 'rejected') throw result.reason;
    return result.value as QueryResult<R>;
  }

  /**
   * Runs `last` and commits, in one round trip. When `last` fails, the server ends the transaction
   * with a rollback instead (COMMIT of a failed transaction rolls it back): nothing is kept, and
   * `last`'s error is thrown.
   */
  async commitTransactionAfter<R extends QueryResultRow>(last: QueryConfig): Promise<QueryResult<R>> {
    if (!this.isTransactionActive || this.transactionDepth !== 1) throw new TransactionNotStartedError();
    await this.broadcaster.broadcast('BeforeTransactionCommit');
    const [result, committed] = await Promise.allSettled(inOneWrite(this.client, last, { text: 'COMMIT' }));
    // The commit's outcome is unknown (the connection failed): the transaction is still taken as open, as TypeORM does.
    if (committed.status === 'rejected') throw committed.reason;
    this.isTransactionActive = false;
    this.transactionDepth = 0;
    if (result.status === 'rejected') {
      await this.broadcaster.broadcast('AfterTransactionRollback');
      throw result.reason;
    }
    await this.broadcaster.broadcast('AfterTransactionCommit');
    return result.value as QueryResult<R>;
  }
}
