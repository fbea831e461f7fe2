import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGliteServer } from '../../src/database/pglite-server.js';
import { freePort } from './free-port.js';
import { usingRealPostgres } from './test-database.js';

/**
 * A database server that belongs to one test, so the test can stop and restart it without
 * touching the machine's shared services: a real PostgreSQL cluster of its own, or a PGlite server
 * (see startOwnedDatabase).
 */
export interface OwnedDatabase {
  readonly url: string;
  readonly kind: 'postgres' | 'pglite';
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export { freePort };

function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).sort().pop();
  const bin = version && join(root, version, 'bin');
  return bin && existsSync(join(bin, 'pg_ctl')) ? bin : undefined;
}

class OwnedPostgres implements OwnedDatabase {
  readonly kind = 'postgres';
  readonly url: string;
  private readonly dataDir: string;

  constructor(
    private readonly bin: string,
    private readonly root: string,
    private readonly port: number,
  ) {
    this.dataDir = join(root, 'data');
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  /** Runs a PostgreSQL tool as the postgres OS user when we are root (initdb refuses root). */
  private run(tool: string, args: string[]): void {
    const asRoot = process.getuid?.() === 0;
    const [cmd, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(this.bin, tool), ...args]]
      : [join(this.bin, tool), args];
    execFileSync(cmd, argv, { stdio: 'pipe', cwd: this.root });
  }

  init(): void {
    this.run('initdb', ['-D', this.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.root} -c listen_addresses=127.0.0.1 -c fsync=off`;
    this.run('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', join(this.root, 'log'), '-w', 'start']);
  }

  async stop(): Promise<void> {
    this.run('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    spawnSync('runuser', ['-u', 'postgres', '--', join(this.bin, 'pg_ctl'), '-D', this.dataDir, '-m', 'immediate', 'stop'], {
      stdio: 'ignore',
    });
    rmSync(this.root, { recursive: true, force: true });
  }
}

class OwnedPglite implements OwnedDatabase {
  readonly kind = 'pglite';
  readonly url: string;
  private server?: PGliteServer;
  // The same password across restarts, so the URL stays valid.
  private readonly password = randomBytes(16).toString('hex');

  constructor(
    private readonly db: PGlite,
    private readonly port: number,
  ) {
    this.url = `postgres://postgres:${this.password}@127.0.0.1:${port}/postgres`;
  }

  async start(): Promise<void> {
    this.server = new PGliteServer(this.db, { password: this.password });
    await this.server.listen(this.port);
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }

  async destroy(): Promise<void> {
    await this.stop();
    await this.db.close();
  }
}

/**
 * A database server of the test's own: a real PostgreSQL cluster when the tests run on Postgres (or
 * `realPostgres` asks for one) and its binaries are installed, else PGlite on a loopback port (with a password, like
 * the embedded database).
 */
export async function startOwnedDatabase(options: { realPostgres?: boolean } = {}): Promise<OwnedDatabase> {
  const port = await freePort();
  const bin = postgresBin();
  if ((usingRealPostgres() || options.realPostgres) && bin) {
    const root = mkdtempSync(join(tmpdir(), 'flowgate-pg-'));
    chmodSync(root, 0o755);
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
      chownSync(root, uid, gid);
    }
    const owned = new OwnedPostgres(bin, root, port);
    owned.init();
    await owned.start();
    return owned;
  }
  const owned = new OwnedPglite(await PGlite.create(), port);
  await owned.start();
  return owned;
}
