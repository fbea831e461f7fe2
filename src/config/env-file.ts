import { existsSync } from 'node:fs';

/**
 * Reads `.env` from the working directory when present; variables already set in the
 * environment win. Tests (NODE_ENV=test) take their configuration from the environment only.
 * (A file of its own, importing nothing else: the CLI and the tracing preload call it first, and
 * neither should load the framework just to read a file.)
 */
export function loadEnvFile(path = '.env'): void {
  if (process.env.NODE_ENV !== 'test' && existsSync(path)) process.loadEnvFile(path);
}
