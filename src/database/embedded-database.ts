import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { EMBEDDED_IN_MEMORY } from './database.config.js';

/**
 * The embedded default database: PGlite (Postgres compiled to WASM) served on a loopback port,
 * so the application talks to it through the ordinary `pg` driver exactly as it would to Postgres.
 */
@Injectable()
export class EmbeddedDatabase {
  private readonly logger = new Logger(EmbeddedDatabase.name);
  private db?: PGlite;
  private server?: PGLiteSocketServer;

  /** Starts PGlite and returns a connection URL for it. */
  async start(dir: string, maxConnections: number): Promise<string> {
    const inMemory = dir === EMBEDDED_IN_MEMORY;
    const dataDir = inMemory ? undefined : resolve(dir);
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    this.db = await PGlite.create(dataDir ? { dataDir } : {});
    this.server = new PGLiteSocketServer({ db: this.db, host: '127.0.0.1', port: 0, maxConnections });
    await this.server.start();
    const [host, port] = this.server.getServerConn().split(':');
    this.logger.log(
      inMemory
        ? 'Using the embedded database (PGlite) in memory: data is lost on exit. Set DATABASE_URL for Postgres.'
        : `Using the embedded database (PGlite); data lives in ${dataDir}. Set DATABASE_URL for Postgres.`,
    );
    return `postgres://postgres@${host}:${port}/postgres`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  async stop(): Promise<void> {
    const { server, db } = this;
    this.server = undefined;
    this.db = undefined;
    await server?.stop();
    await db?.close();
  }
}
