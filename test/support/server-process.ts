import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
export const BUILT_SERVER = resolve(PROJECT_ROOT, 'dist/src/main.js');

export interface ServerRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built server (as `npm start` does) until it exits or `timeoutMs` passes. */
export function runServer(env: Record<string, string | undefined>, timeoutMs = 20_000): Promise<ServerRun> {
  return new Promise((done) => {
    const child: ChildProcess = spawn(process.execPath, [BUILT_SERVER], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: 'test', ...env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
