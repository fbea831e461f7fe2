import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from './server-process.js';

export interface BuiltRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout then stderr. */
  output: string;
}

/**
 * Runs a built entry point (`dist/src/tools/flows.js`, …) with node, as its npm script does, with
 * only `env` (plus PATH and NODE_ENV=test) and no stdin. Async: a fake server may run in this process.
 */
export function runBuilt(script: string, args: string[], env: Record<string, string | undefined> = {}): Promise<BuiltRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: 'test', ...env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr, output: stdout + stderr }));
  });
}
