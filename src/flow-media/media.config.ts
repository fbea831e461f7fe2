import { readFileSync } from 'node:fs';
import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { EnvInt } from '../config/env-int.js';
import { ConfigValidationError } from '../config/config-validation-error.js';
import { validateEnv } from '../config/validate-env.js';

/**
 * Where WhatsApp serves media: flow uploads from its CDN (mmg.whatsapp.net and other *.whatsapp.net
 * hosts, some on *.fbcdn.net), completion media from the Cloud API's lookaside.fbsbx.com links.
 */
export const DEFAULT_MEDIA_HOSTS = ['mmg.whatsapp.net', '*.whatsapp.net', '*.fbcdn.net', 'lookaside.fbsbx.com'];

/** A host name or `*.domain` (any subdomain of domain, not domain itself). */
const HOST_PATTERN = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

class MediaEnv {
  @IsOptional() @IsString() NODE_ENV?: string;

  @IsOptional()
  @Matches(/^\s*[^,\s]+(\s*,\s*[^,\s]+)*\s*$/, { message: 'must be a comma-separated list of host names or *.domain patterns' })
  FLOW_MEDIA_HOSTS?: string;

  @EnvInt({ min: 1024, max: 200 * 1024 * 1024, message: 'must be a whole number of bytes between 1024 and 209715200' })
  FLOW_MEDIA_MAX_BYTES?: number;

  @IsOptional() @IsString() FLOW_MEDIA_DIR?: string;

  @EnvInt({ min: 100, max: 300_000, message: 'must be a whole number of milliseconds between 100 and 300000' })
  FLOW_MEDIA_TIMEOUT_MS?: number;

  @EnvInt({ min: 1, max: 30, message: 'must be a whole number between 1 and 30' })
  FLOW_MEDIA_CONCURRENCY?: number;

  @EnvInt({ min: 1, max: 50, message: 'must be a whole number between 1 and 50' })
  FLOW_MEDIA_MAX_ATTEMPTS?: number;

  @EnvInt({ min: 1, max: 1000, message: 'must be a whole number between 1 and 1000' })
  FLOW_MEDIA_DOWNLOADS_IN_FLIGHT?: number;

  @EnvInt({ min: 1024 * 1024, message: 'must be a whole number of bytes (at least 1048576)' })
  FLOW_MEDIA_BYTES_IN_FLIGHT?: number;

  @EnvInt({ min: 0, message: 'must be a whole number of bytes (0 pauses a session at its first refused file)' })
  FLOW_MEDIA_TOKEN_REFUSED_BYTES?: number;

  @EnvInt({ min: 10, message: 'must be a whole number of milliseconds (at least 10)' })
  FLOW_MEDIA_BACKOFF_MS?: number;

  @EnvInt({ min: 100, message: 'must be a whole number of milliseconds (at least 100)' })
  FLOW_MEDIA_RECONCILE_INTERVAL_MS?: number;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  FLOW_MEDIA_DEV_ALLOW_LOOPBACK?: 'true' | 'false';

  @IsOptional() @IsString() FLOW_MEDIA_DEV_CA_FILE?: string;

  @IsOptional() @IsString() FLOW_MEDIA_TEST_ALLOW_LOOPBACK?: string;
  @IsOptional() @IsString() FLOW_MEDIA_TEST_CA_FILE?: string;
}

/** Settings that were renamed: a value left under the old name would otherwise do nothing, silently. */
const RENAMED = { FLOW_MEDIA_TEST_ALLOW_LOOPBACK: 'FLOW_MEDIA_DEV_ALLOW_LOOPBACK', FLOW_MEDIA_TEST_CA_FILE: 'FLOW_MEDIA_DEV_CA_FILE' } as const;

export const mediaConfig = registerAs('media', () => {
  const env = validateEnv(MediaEnv);
  const production = env.NODE_ENV === 'production';
  const hosts = (env.FLOW_MEDIA_HOSTS?.split(',') ?? DEFAULT_MEDIA_HOSTS).map((host) => host.trim().toLowerCase());
  const bad = hosts.find((host) => !HOST_PATTERN.test(host));
  if (bad) throw new ConfigValidationError(`Invalid configuration: FLOW_MEDIA_HOSTS has "${bad}", which is not a host name or *.domain pattern`);

  for (const [old, current] of Object.entries(RENAMED)) {
    if (env[old as keyof typeof RENAMED] !== undefined) throw new ConfigValidationError(`Invalid configuration: ${old} is now called ${current}`);
  }

  // The development settings exist for local HTTPS CDNs (the preview's, the test suite's); a
  // production server must never download from its own machine or trust another CA.
  const allowLoopback = env.FLOW_MEDIA_DEV_ALLOW_LOOPBACK === 'true';
  if (production && allowLoopback) {
    throw new ConfigValidationError(
      'Invalid configuration: FLOW_MEDIA_DEV_ALLOW_LOOPBACK is for development and tests only and refused when NODE_ENV=production',
    );
  }
  if (production && env.FLOW_MEDIA_DEV_CA_FILE) {
    throw new ConfigValidationError(
      'Invalid configuration: FLOW_MEDIA_DEV_CA_FILE is for development and tests only and refused when NODE_ENV=production',
    );
  }
  let devCa: string | undefined;
  if (env.FLOW_MEDIA_DEV_CA_FILE) {
    try {
      devCa = readFileSync(env.FLOW_MEDIA_DEV_CA_FILE, 'utf8');
    } catch (error) {
      throw new ConfigValidationError(
        `Invalid configuration: FLOW_MEDIA_DEV_CA_FILE cannot be read (${env.FLOW_MEDIA_DEV_CA_FILE}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      );
    }
    if (!/-----BEGIN CERTIFICATE-----/.test(devCa)) {
      throw new ConfigValidationError(`Invalid configuration: FLOW_MEDIA_DEV_CA_FILE (${env.FLOW_MEDIA_DEV_CA_FILE}) holds no PEM certificate`);
    }
  }

  return {
    hosts,
    /** Largest file downloaded, as stored on the CDN (Meta allows 25 MiB plus the encryption overhead). */
    maxBytes: env.FLOW_MEDIA_MAX_BYTES ?? 25 * 1024 * 1024 + 32,
    dir: env.FLOW_MEDIA_DIR ?? '.data/media',
    /** One download, from the request to the last byte. */
    timeoutMs: env.FLOW_MEDIA_TIMEOUT_MS ?? 20_000,
    /** Downloads running at once for one `keep` call. */
    concurrency: env.FLOW_MEDIA_CONCURRENCY ?? 4,
    maxAttempts: env.FLOW_MEDIA_MAX_ATTEMPTS ?? 5,
    /** Downloads running at once in this process, requests and background together. */
    downloadsInFlight: env.FLOW_MEDIA_DOWNLOADS_IN_FLIGHT ?? 16,
    /** Bytes reserved by the downloads running at once (each reserves its cap). */
    bytesInFlight: env.FLOW_MEDIA_BYTES_IN_FLIGHT ?? 256 * 1024 * 1024,
    /** Bytes of refused files a flow token may cause in an hour before its downloads pause. */
    tokenRefusedBytes: env.FLOW_MEDIA_TOKEN_REFUSED_BYTES ?? 64 * 1024 * 1024,
    backoffMs: env.FLOW_MEDIA_BACKOFF_MS ?? 2_000,
    reconcileIntervalMs: env.FLOW_MEDIA_RECONCILE_INTERVAL_MS ?? 60_000,
    /** Development and tests only: loopback addresses (127.0.0.0/8, ::1) may be downloaded from. */
    allowLoopback,
    /** Development and tests only: a CA (PEM) trusted for downloads besides the usual ones. */
    devCa,
  };
});

export type MediaConfig = ReturnType<typeof mediaConfig>;
