import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { EnvInt } from './env-int.js';
import { ConfigValidationError, validateEnv } from './validate-env.js';

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
}

function logFormat(setting: (typeof LOG_FORMATS)[number], nodeEnv: string): 'json' | 'pretty' {
  if (setting !== 'auto') return setting;
  return nodeEnv === 'development' && process.stdout.isTTY ? 'pretty' : 'json';
}

export const appConfig = registerAs('app', () => {
  const env = validateEnv(AppEnv);
  const webConcurrency = env.WEB_CONCURRENCY ?? 1;
  if (webConcurrency > 1 && !process.env.DATABASE_URL) {
    throw new ConfigValidationError(
      'Invalid configuration: WEB_CONCURRENCY above 1 needs DATABASE_URL (the embedded database lives in one process)',
    );
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
  };
});

export type AppConfig = ReturnType<typeof appConfig>;
