import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { PGlite } from '@electric-sql/pglite';
import { PGliteServer, type PGliteServerLimits } from './pglite-server.js';
import { lockDataDir } from './data-dir-lock.js';
import { createInMemory } from './pglite-template.js';
import { EMBEDDED_IN_MEMORY } from './database.config.js';

/**
 * The embedded default database: PGlite (Postgres compiled to WASM) served on a loopback port,
 * so the application talks to it through the ordinary `pg` driver exactly as it would to Postgres.
 * The port asks for a password generated at each start and known only to this process (it is in
 * the URL this returns), so other local processes cannot reach the data.
 */
@Injectable()
export class EmbeddedDatabase {
  private readonly logger = new Logger(EmbeddedDatabase.name);
  private db?: PGlite;
  private server?: PGliteServer;
  private unlock?: () => void;

  /** Starts PGlite and returns a connection URL for it. */
  async start(dir: string, limits?: PGliteServerLimits): Promise<string> {
    const inMemory = dir === EMBEDDED_IN_MEMORY;
    const dataDir = inMemory ? undefined : resolve(dir);
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      ownerOnly(dataDir);
      // One process at a time: a second server or db:seed is refused, naming the process that has it.
      this.unlock = lockDataDir(dataDir);
      process.once('exit', this.unlock);
    }
    this.db = dataDir ? await PGlite.create({ dataDir }) : await createInMemory();
    // PGlite writes its files mode 0666 whatever the umask: the folder's 0700 keeps them private; the
    // files are tightened too, those of earlier runs and those just made.
    if (dataDir) ownerOnly(dataDir);
    this.server = new PGliteServer(this.db, { limits });
    await this.server.listen(0, '127.0.0.1');
    this.logger.log(
      inMemory
        ? 'Using the embedded database (PGlite) in memory: data is lost on exit. Set DATABASE_URL for Postgres.'
        : `Using the embedded database (PGlite); data lives in ${dataDir}. Set DATABASE_URL for Postgres.`,
    );
    return this.server.url;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  async stop(): Promise<void> {
    const { server, db, unlock } = this;
    this.server = undefined;
    this.db = undefined;
    this.unlock = undefined;
    await server?.close();
    await db?.close();
    if (unlock) {
      process.off('exit', unlock);
      unlock();
    }
  }
}

/** Makes `dir` and everything under it readable by its owner only: folders 0700, files 0600. */
function ownerOnly(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) ownerOnly(path);
    else if (entry.isFile()) chmodSync(path, 0o600);
  }
}
