import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLoggerInterface } from 'typeorm';

/**
 * Sends TypeORM's messages to the application logger. Query parameters are never logged:
 * they carry phone numbers, tokens and form values.
 */
export class TypeOrmLogger implements TypeOrmLoggerInterface {
  private readonly logger = new Logger('Database');

  /**
   * @param queries log each query's text (at debug level). TypeORM calls `logQuery` for every query
   * whatever its `logging` option says, so the choice is made here, once, not per query.
   */
  constructor(private readonly queries = false) {}

  logQuery(query: string): void {
    if (this.queries) this.logger.debug?.(query);
  }
  logQueryError(error: string | Error, query: string): void {
    const message = typeof error === 'string' ? error : error.message;
    this.logger.warn(`Query failed: ${message} (${query.slice(0, 200)})`);
  }
  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`Slow query (${time} ms): ${query.slice(0, 200)}`);
  }
  logSchemaBuild(message: string): void {
    this.logger.debug?.(message);
  }
  logMigration(message: string): void {
    this.logger.log(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.debug?.(String(message));
  }
}
