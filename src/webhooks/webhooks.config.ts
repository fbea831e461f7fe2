import { registerAs } from '@nestjs/config';
import { IsOptional, IsString } from 'class-validator';
import { EnvInt } from '../config/env-int.js';
import { validateEnv } from '../config/validate-env.js';

class WebhooksEnv {
  @IsOptional() @IsString() WHATSAPP_VERIFY_TOKEN?: string;
  @IsOptional() @IsString() WASENDER_WEBHOOK_SECRET?: string;

  @EnvInt({ min: 1, max: 50, message: 'must be a whole number between 1 and 50' })
  WEBHOOK_MAX_ATTEMPTS?: number;

  @EnvInt({ min: 10, message: 'must be a whole number of milliseconds (at least 10)' })
  WEBHOOK_BACKOFF_MS?: number;

  @EnvInt({ min: 100, message: 'must be a whole number of milliseconds (at least 100)' })
  WEBHOOK_RECONCILE_INTERVAL_MS?: number;

  @EnvInt({ min: 7, max: 3650, message: 'must be a whole number of days between 7 and 3650 (Meta retries a webhook for up to 7 days)' })
  WEBHOOK_RETENTION_DAYS?: number;
}

export const webhooksConfig = registerAs('webhooks', () => {
  const env = validateEnv(WebhooksEnv);
  return {
    /** Echoed in Meta's GET verification; without it verification is refused (403). */
    verifyToken: env.WHATSAPP_VERIFY_TOKEN,
    /** Shared secret WASenderApi sends in X-Webhook-Signature; without it the route refuses everything. */
    wasenderSecret: env.WASENDER_WEBHOOK_SECRET,
    /** Meta sends up to 3 MB. */
    bodyLimit: Math.floor(3.5 * 1024 * 1024),
    maxAttempts: env.WEBHOOK_MAX_ATTEMPTS ?? 8,
    /** First retry delay; doubles each attempt. */
    backoffMs: env.WEBHOOK_BACKOFF_MS ?? 2_000,
    /** How often stored events without a job are enqueued again (also at boot). */
    reconcileIntervalMs: env.WEBHOOK_RECONCILE_INTERVAL_MS ?? 60_000,
    /**
     * How long processed events (the dedupe records of Meta's redeliveries, which come for up to
     * 7 days) and message statuses are kept.
     */
    retentionDays: env.WEBHOOK_RETENTION_DAYS ?? 30,
  };
});

export type WebhooksConfig = ReturnType<typeof webhooksConfig>;
