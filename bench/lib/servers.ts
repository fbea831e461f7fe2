import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { PERF_FREQUENCY, perfDataFile, perfMapFile } from './perf-parts.js';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../../..');

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const TASKSET = hasTaskset();

/** Pins this process (all its threads, and threads it starts later) to `cores`, e.g. "1". */
export function pinSelf(cores: string): void {
  if (TASKSET) execFileSync('taskset', ['-a', '-cp', cores, String(process.pid)], { stdio: 'ignore' });
}

export interface ServerProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `script` (a built entry point) with node on `cores` (unpinned when undefined), output to
 * `logFile`, and waits until `readyPath` answers 200.
 */
export async function startProcess(options: {
  script: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  env: Record<string, string | undefined>;
  port: number;
  cores?: string;
  logFile: string;
  readyPath?: string;
  timeoutMs?: number;
  /** Where to record the server with Linux perf from the moment it is ready until it stops (`--perf`). */
  perfDir?: string;
}): Promise<ServerProcess> {
  const node = [process.execPath, ...(options.nodeArgs ?? []), options.script];
  const [command, ...args] = options.cores && TASKSET ? ['taskset', '-c', options.cores, ...node] : node;
  // The server writes its log straight to the file: piping it through this process would cost the
  // load generator CPU and stall the server's synchronous log writes on a full pipe.
  const log = openSync(options.logFile, 'w');
  const child: ChildProcess = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(options.port), ...options.env } as NodeJS.ProcessEnv,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.script} exited with ${child.exitCode}; see ${options.logFile}`);
    const ready = await fetch(`${url}${options.readyPath ?? '/'}`, { method: options.readyPath ? 'GET' : 'HEAD' }).then(
      (response) => (options.readyPath ? response.status === 200 : true),
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.script} not ready after ${options.timeoutMs ?? 60_000} ms; see ${options.logFile}`);
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  const recorder = options.perfDir ? recordWithPerf(child.pid!, options.perfDir) : undefined;
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      await recorder?.stop();
      if (child.exitCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Node flags that let perf name JavaScript frames: a map of compiled functions, interpreted ones on the native stack. */
export const PERF_NODE_ARGS = ['--perf-basic-prof-only-functions', '--interpreted-frames-native-stack'];

/** Fails with one line when Linux perf cannot record here. */
export function assertPerfAvailable(): void {
  try {
    execFileSync('perf', ['record', '-e', 'cpu-clock', '-o', '/dev/null', '--', 'true'], { stdio: 'ignore' });
  } catch {
    throw new Error('--perf needs Linux perf allowed to record (apt-get install linux-perf; kernel.perf_event_paranoid ≤ 2)');
  }
}

/**
 * Empties `dir` of an earlier run's recordings, with the maps node wrote for perf beside them (in
 * /tmp, by its own rule, where perf looks for them): they are kept until then, so that a run's
 * recordings can still be read with `perf script` or `perf report` after it.
 */
export function clearPerfRecordings(dir: string): void {
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      const pid = /^(\d+)\.data$/.exec(name)?.[1];
      if (pid) rmSync(perfMapFile(Number(pid)), { force: true });
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

/**
 * perf record of process `pid` (all its threads, call stacks, CPU clock at PERF_FREQUENCY, time
 * stamps on CLOCK_MONOTONIC as the load windows are) to `<dir>/<pid>.data`; `stop` ends it and
 * waits for the file.
 */
function recordWithPerf(pid: number, dir: string): { stop(): Promise<void> } {
  const perf = spawn(
    'perf',
    ['record', '-e', 'cpu-clock', '-F', String(PERF_FREQUENCY), '-g', '-k', 'mono', '-p', String(pid), '-o', perfDataFile(dir, pid)],
    { stdio: 'ignore' },
  );
  const ended = new Promise<void>((done) => perf.once('exit', () => done()));
  return {
    stop: async () => {
      if (perf.exitCode === null) perf.kill('SIGINT');
      await ended;
    },
  };
}
