import { existsSync } from 'node:fs';
import { appConfig } from './app.config.js';
import { cacheConfig } from '../cache/cache.config.js';
import { databaseConfig } from '../database/database.config.js';
import { flowsConfig } from '../flows-core/flows.config.js';
import { mediaConfig } from '../flows-core/media/media.config.js';
import { flowConfigs } from '../flows/index.js';
import { adminConfig } from '../admin/admin.config.js';
import { queueConfig } from '../queue/queue.config.js';
import { webhooksConfig } from '../webhooks/webhooks.config.js';
import { outboundConfig } from '../outbound/outbound.config.js';
import { metricsConfig } from '../metrics/metrics.config.js';
import { metaFlowsConfig } from '../meta-flows/meta-flows.config.js';

/**
 * Every configuration namespace. Each module owns its namespace (variables, validation, types)
 * next to its code; this list loads them all, globally, and validates them before anything starts.
 */
export const configNamespaces = [
  appConfig,
  databaseConfig,
  cacheConfig,
  flowsConfig,
  mediaConfig,
  queueConfig,
  webhooksConfig,
  adminConfig,
  outboundConfig,
  metricsConfig,
  metaFlowsConfig,
  ...flowConfigs,
];

/** Reads and validates every namespace; throws ConfigValidationError with one line on the first bad one. */
export function assertValidConfiguration(): void {
  for (const namespace of configNamespaces) namespace();
}

/**
 * Reads `.env` from the working directory when present; variables already set in the
 * environment win. Tests (NODE_ENV=test) take their configuration from the environment only.
 */
export function loadEnvFile(path = '.env'): void {
  if (process.env.NODE_ENV !== 'test' && existsSync(path)) process.loadEnvFile(path);
}
