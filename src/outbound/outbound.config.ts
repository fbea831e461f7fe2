import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { EnvInt } from '../config/env-int.js';
import { validateEnv } from '../config/validate-env.js';

class OutboundEnv {
  @IsOptional()
  @Matches(/^https?:\/\/.+[^/]$/, { message: 'must be an http(s) URL without a trailing slash' })
  GRAPH_API_BASE_URL?: string;

  @IsOptional() @IsString() WHATSAPP_ACCESS_TOKEN?: string;

  @IsOptional()
  @Matches(/^\d{5,20}$/, { message: 'must be the numeric id of the WhatsApp phone number' })
  WHATSAPP_PHONE_NUMBER_ID?: string;

  @IsOptional()
  @Matches(/^https?:\/\/.+[^/]$/, { message: 'must be an http(s) URL without a trailing slash' })
  WASENDER_API_BASE_URL?: string;

  @IsOptional() @IsString() WASENDER_API_KEY?: string;

  @IsOptional()
  @IsIn(['cloud', 'wasender'], { message: 'must be cloud or wasender' })
  TRIGGER_CHANNEL?: 'cloud' | 'wasender';

  @EnvInt({ min: 1_000, max: 60_000, message: 'must be a whole number of milliseconds between 1000 and 60000' })
  OUTBOUND_MAX_TOTAL_MS?: number;
}

export const outboundConfig = registerAs('outbound', () => {
  const env = validateEnv(OutboundEnv);
  return {
    graph: {
      baseUrl: env.GRAPH_API_BASE_URL ?? 'https://graph.facebook.com/v23.0',
      accessToken: env.WHATSAPP_ACCESS_TOKEN,
      phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID,
    },
    wasender: {
      baseUrl: env.WASENDER_API_BASE_URL ?? 'https://www.wasenderapi.com',
      apiKey: env.WASENDER_API_KEY,
    },
    /** Channel for plain-text trigger messages when a call does not choose one. */
    triggerChannel: env.TRIGGER_CHANNEL ?? 'cloud',
    /** Retries of 429/5xx stop once this much time has passed. */
    maxTotalMs: env.OUTBOUND_MAX_TOTAL_MS ?? 10_000,
  };
});

export type OutboundConfig = ReturnType<typeof outboundConfig>;
