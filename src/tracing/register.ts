// Loaded before the application with `node --import ./dist/src/tracing/register.js` (npm start, the
// container image): starts tracing when an OTLP endpoint is configured, and otherwise loads nothing
// more than this file. Always on the command line, so turning tracing on is a matter of variables
// only. It runs before anything else so that the SDK's context manager and the Postgres client's
// spans are in place before the first module that queries is loaded.
import cluster from 'node:cluster';
import { loadEnvFile } from '../config/env-file.js';
import { TracingSettingsError, tracingSettings } from './tracing-settings.js';

try {
  loadEnvFile();
  const settings = tracingSettings(process.env);
  // With WEB_CONCURRENCY > 1 the supervisor serves nothing: only its workers (which load this file too) trace.
  const supervisor = cluster.isPrimary && Number(process.env.WEB_CONCURRENCY ?? 1) > 1;
  if (settings && !supervisor) (await import('./sdk.js')).startTracing(settings);
} catch (error) {
  if (!(error instanceof TracingSettingsError)) throw error;
  process.stderr.write(`flowgate: ${error.message}\n`);
  process.exit(1);
}
