import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/free-port.js';
import { requireTool } from './tools.js';

export interface RunningPrometheus {
  url: string;
  /** Instant query through the HTTP API; the result vector (or matrix) as Prometheus returns it. */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value?: [number, string] }>>;
  /** Prometheus's own view of its scrape targets and alerts. */
  get<T>(path: string): Promise<T>;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Debian's `prometheus` on its own port, with its own temporary data folder and a configuration that
 * scrapes one static target every second (with the METRICS_TOKEN bearer) and loads `ruleFiles`.
 */
export async function startPrometheus(options: { target: string; token: string; ruleFiles?: string[] }): Promise<RunningPrometheus> {
  const binary = requireTool('prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-prometheus-'));
  writeFileSync(join(dir, 'token'), options.token);
  const rules = (options.ruleFiles ?? []).map((file, i) => {
    const copy = join(dir, `rules-${i}.yml`);
    copyFileSync(file, copy);
    return copy;
  });
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: ${JSON.stringify(rules)}`,
      'scrape_configs:',
      '  - job_name: flowgate',
      `    authorization: { credentials_file: ${JSON.stringify(join(dir, 'token'))} }`,
      `    static_configs: [{ targets: [${JSON.stringify(options.target)}] }]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}):\n${output}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready in 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error ?? response.status}`);
    return body.data;
  };
  return {
    url,
    get,
    query: async (expr) =>
      (await get<{ result: Array<{ metric: Record<string, string>; value?: [number, string] }> }>(`/api/v1/query?query=${encodeURIComponent(expr)}`))
        .result,
    output: () => output,
    stop,
  };
}
