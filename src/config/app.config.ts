import { isIP } from 'node:net';
import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { EnvInt } from './env-int.js';
import { ConfigValidationError } from './config-validation-error.js';
import { validateEnv } from './validate-env.js';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

class AppEnv {
  @EnvInt({ min: 1, max: 65535, message: 'must be an integer port number between 1 and 65535' })
  PORT?: number;

  @IsOptional()
  @IsString()
  HOST?: string;

  @IsOptional()
  @IsIn(NODE_ENVS, { message: `must be one of ${NODE_ENVS.join(', ')}` })
  NODE_ENV?: (typeof NODE_ENVS)[number];

  @IsOptional()
  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL?: (typeof LOG_LEVELS)[number];

  @IsOptional()
  @IsIn(LOG_FORMATS, { message: `must be one of ${LOG_FORMATS.join(', ')}` })
  LOG_FORMAT?: (typeof LOG_FORMATS)[number];

  @EnvInt({ min: 1, max: 64, message: 'must be an integer between 1 and 64' })
  WEB_CONCURRENCY?: number;

  @IsOptional()
  @IsString()
  DATABASE_URL?: string;

  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;
}

/** What Fastify's `trustProxy` takes: whom to believe about `X-Forwarded-For`/`-Proto`/`-Host`. */
export type TrustProxy = boolean | string;

/** proxy-addr's names for the usual private ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

const isAddressOrCidr = (entry: string) => {
  if (NAMED_RANGES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
};

/**
 * `false` (default): forwarded headers are ignored, the peer is the client. `true`: every peer is a
 * trusted proxy (only behind one that overwrites those headers). Otherwise a comma-separated list of
 * proxy addresses, CIDRs or `loopback` / `linklocal` / `uniquelocal`. (No hop count: Fastify cannot
 * check the peer with one, and ignores forwarded headers then.)
 */
function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = raw?.trim() ?? 'false';
  if (value === 'false') return false;
  if (value === 'true') return true;
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.length > 0 && entries.every(isAddressOrCidr)) return entries.join(',');
  throw new ConfigValidationError(
    `Invalid configuration: TRUST_PROXY must be false, true or a comma-separated list of proxy addresses or CIDRs (got ${JSON.stringify(raw)})`,
  );
}

function logFormat(setting: (typeof LOG_FORMATS)[number], nodeEnv: string): 'json' | 'pretty' {
  if (setting !== 'auto') return setting;
  return nodeEnv === 'development' && process.stdout.isTTY ? 'pretty' : 'json';
}

export const appConfig = registerAs('app', () => {
  const env = validateEnv(AppEnv);
  const webConcurrency = env.WEB_CONCURRENCY ?? 1;
  if (webConcurrency > 1 && !env.DATABASE_URL) {
    throw new ConfigValidationError('Invalid configuration: WEB_CONCURRENCY above 1 needs DATABASE_URL (the embedded database lives in one process)');
  }
  return {
    port: env.PORT ?? 3000,
    host: env.HOST ?? '0.0.0.0',
    nodeEnv: env.NODE_ENV ?? 'development',
    isProduction: env.NODE_ENV === 'production',
    logLevel: env.LOG_LEVEL ?? 'info',
    /** JSON lines, except for a person at a terminal in development (`auto`). */
    logFormat: logFormat(env.LOG_FORMAT ?? 'auto', env.NODE_ENV ?? 'development'),
    /** Worker processes serving HTTP on the same port (node:cluster); 1 serves from this process. */
    webConcurrency,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
  };
});

export type AppConfig = ReturnType<typeof appConfig>;
