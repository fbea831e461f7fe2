import cluster, { type Worker } from 'node:cluster';
import { exitWith } from '../common/exit.js';
import { createRootLogger, type LogFormat } from '../logging/root-logger.js';
import { serveClusterMetrics } from '../metrics/cluster-metrics.js';

/** A worker that dies this many times in a row before serving gives up the whole service (bad config, no database). */
const MAX_BOOT_FAILURES = 3;
/** Workers still running this long after SIGTERM are killed. */
const STOP_TIMEOUT_MS = 30_000;

/**
 * `WEB_CONCURRENCY` > 1: this process only supervises. It forks that many workers, each a full
 * Flowgate with its own key objects and connections, all accepting on the same port (node:cluster).
 * A worker that dies is replaced; SIGHUP (key reload) is passed on to every worker; SIGTERM and
 * SIGINT stop every worker gracefully, then the primary exits.
 */
export function runClusterPrimary(workers: number, logLevel: string, logFormat: LogFormat): void {
  const log = createRootLogger({ level: logLevel, format: logFormat, role: 'primary' });
  const served = new WeakSet<Worker>();
  let stopping = false;
  /** 1 once the primary gave up on its workers: the supervisor (Kubernetes, systemd) must see a failure. */
  let exitCode = 0;
  let bootFailures = 0;

  const live = () => Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
  const signalAll = (signal: NodeJS.Signals) => live().forEach((worker) => worker.process.kill(signal));

  cluster.on('listening', (worker) => {
    served.add(worker);
    bootFailures = 0;
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (live().length === 0) {
        log.info('All workers stopped');
        exitWith(exitCode);
      }
      return;
    }
    bootFailures = served.has(worker) ? 0 : bootFailures + 1;
    if (bootFailures >= MAX_BOOT_FAILURES) {
      log.fatal(`Workers keep exiting before serving (last: ${signal ?? `code ${code}`}); stopping. See the worker logs above`);
      stopping = true;
      signalAll('SIGTERM');
      exitCode = 1;
      if (live().length === 0) exitWith(exitCode);
      return;
    }
    log.error(`Worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another`);
    setTimeout(() => cluster.fork(), served.has(worker) ? 0 : 1_000 * bootFailures);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log.info(`${signal}: stopping ${live().length} workers`);
      signalAll(signal);
      setTimeout(() => {
        log.error(`Workers still running ${STOP_TIMEOUT_MS} ms after ${signal}; killing them`);
        signalAll('SIGKILL');
        exitWith(1);
      }, STOP_TIMEOUT_MS).unref();
    });
  }
  // Each worker reloads its own key ring.
  process.on('SIGHUP', () => signalAll('SIGHUP'));

  serveClusterMetrics();
  log.info(`Starting ${workers} workers (WEB_CONCURRENCY)`);
  for (let i = 0; i < workers; i++) cluster.fork();
}
