import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../../support/owned-database.js';
import { PROJECT_ROOT } from '../../support/server-process.js';
import { eventually } from './eventually.js';

/** The built server plus the resilience flows (see resilience-server.mjs). */
export const RESILIENCE_SERVER = resolve(import.meta.dirname, 'resilience-server.mjs');

export interface FlowgateProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill9(): Promise<void>;
}

/**
 * Runs a real Flowgate process (compiled code in dist/) on loopback and waits until /health/ready
 * answers 200. Rebuild (npm run build) after changing src/.
 */
export async function startFlowgate(env: Record<string, string | undefined>, options: { port?: number; timeoutMs?: number } = {}): Promise<FlowgateProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [RESILIENCE_SERVER], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const ready = await eventually(
    () => fetch(`${url}/health/ready`).then((r) => r.status === 200 || child.exitCode !== null, () => child.exitCode !== null),
    Boolean,
    options.timeoutMs ?? 60_000,
    200,
  );
  if (!ready || child.exitCode !== null) {
    child.kill('SIGKILL');
    throw new Error(`Flowgate did not become ready on port ${port}:\n${output.slice(-4_000)}`);
  }
  return {
    url,
    port,
    child,
    output: () => output,
    exited,
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Stops a process if it still runs (test cleanup). */
export async function stopFlowgate(server: FlowgateProcess | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 15_000);
  await server.exited;
  clearTimeout(timer);
}

export interface FlowgateEnvOptions {
  databaseUrl: string;
  privateKeyPem?: string;
  appSecret: string;
  redisUrl?: string;
  queueBackend?: 'postgres' | 'redis';
  queuePrefix?: string;
}

/** The environment of a resilience server: demo data on, fast webhook retries and reconciliation. */
export function flowgateEnv(options: FlowgateEnvOptions): Record<string, string | undefined> {
  return {
    DATABASE_URL: options.databaseUrl,
    DEMO_DATA: 'true',
    FLOW_PRIVATE_KEY: options.privateKeyPem,
    WHATSAPP_APP_SECRET: options.appSecret,
    REDIS_URL: options.redisUrl,
    QUEUE_BACKEND: options.queueBackend ?? 'postgres',
    QUEUE_PREFIX: options.queuePrefix ?? 'resilience',
    WEBHOOK_BACKOFF_MS: '200',
    WEBHOOK_RECONCILE_INTERVAL_MS: '2000',
  };
}
