import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/owned-database.js';
import { eventually } from '../../support/eventually.js';

/**
 * A Redis server that belongs to one test (own port, own folder, nothing persisted), so the test
 * can stop and restart it without touching the machine's shared Redis.
 */
export interface OwnedRedis {
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

function requireRedisServer(): void {
  const found = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  if (found.error || found.status !== 0) {
    throw new Error('The resilience tests need redis-server on the PATH (apt-get install redis-server)');
  }
}

const answersPing = (port: number) =>
  spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG';

class OwnedRedisServer implements OwnedRedis {
  readonly url: string;
  private child?: ChildProcess;

  constructor(
    private readonly port: number,
    private readonly dir: string,
  ) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.child = child;
    const up = await eventually(async () => answersPing(this.port) || child.exitCode !== null, Boolean, 10_000);
    if (!up || child.exitCode !== null) throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** Kills the server abruptly (as a crash or a network loss looks to clients). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function startOwnedRedis(): Promise<OwnedRedis> {
  requireRedisServer();
  const redis = new OwnedRedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'flowgate-redis-')));
  await redis.start();
  return redis;
}
