import { registerAs } from '@nestjs/config';
import { IsOptional, IsString, Matches } from 'class-validator';
import { EnvInt } from '../config/env-int.js';
import { validateEnv } from '../config/validate-env.js';

class GraphApiEnv {
  @IsOptional()
  @Matches(/^https?:\/\/.+[^/]$/, { message: 'must be an http(s) URL without a trailing slash' })
  GRAPH_API_BASE_URL?: string;

  @IsOptional() @IsString() WHATSAPP_ACCESS_TOKEN?: string;

  @IsOptional()
  @Matches(/^\d{5,20}$/, { message: 'must be the numeric id of the WhatsApp phone number' })
  WHATSAPP_PHONE_NUMBER_ID?: string;

  @EnvInt({ min: 1_000, max: 60_000, message: 'must be a whole number of milliseconds between 1000 and 60000' })
  OUTBOUND_MAX_TOTAL_MS?: number;
}

/**
 * Meta's Graph API: where it is, the token calls carry, the WhatsApp phone number, and how long a
 * call (its retries of 429/5xx included) may take. Outbound messages, media, the Flows API and the
 * keys tools all call it with these settings.
 */
export const graphApiConfig = registerAs('graphApi', () => {
  const env = validateEnv(GraphApiEnv);
  return {
    baseUrl: env.GRAPH_API_BASE_URL ?? 'https://graph.facebook.com/v23.0',
    accessToken: env.WHATSAPP_ACCESS_TOKEN,
    phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID,
    /** Retries of 429/5xx stop once this much time has passed. */
    maxTotalMs: env.OUTBOUND_MAX_TOTAL_MS ?? 10_000,
  };
});

export type GraphApiConfig = ReturnType<typeof graphApiConfig>;
