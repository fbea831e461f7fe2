import { resolve } from 'node:path';
import { freePort } from '../../support/free-port.js';
import { startServer, type RunningServer } from '../../support/server-process.js';

/** The built server plus the resilience flows (see resilience-server.mjs). */
export const RESILIENCE_SERVER = resolve(import.meta.dirname, 'resilience-server.mjs');

export interface FlowgateProcess extends RunningServer {
  port: number;
  kill9(): Promise<void>;
}

/**
 * Runs a real Flowgate process (compiled code in dist/) on loopback and waits until /health/ready
 * answers 200. Rebuild (npm run build) after changing src/.
 */
export async function startFlowgate(
  env: Record<string, string | undefined>,
  options: { port?: number; timeoutMs?: number } = {},
): Promise<FlowgateProcess> {
  const port = options.port ?? (await freePort());
  const server = await startServer({ LOG_LEVEL: 'warn', ...env }, port, options.timeoutMs ?? 60_000, RESILIENCE_SERVER);
  return {
    ...server,
    port,
    kill9: async () => {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
      await server.exited;
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
