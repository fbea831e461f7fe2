import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { validateEnv } from '../config/validate-env.js';
import { graphApiConfig } from '../graph-api/index.js';

class OutboundEnv {
  @IsOptional()
  @Matches(/^https?:\/\/.+[^/]$/, { message: 'must be an http(s) URL without a trailing slash' })
  WASENDER_API_BASE_URL?: string;

  @IsOptional() @IsString() WASENDER_API_KEY?: string;

  @IsOptional()
  @IsIn(['cloud', 'wasender'], { message: 'must be cloud or wasender' })
  TRIGGER_CHANNEL?: 'cloud' | 'wasender';
}

/** The Cloud API's settings (base URL, token, phone number, OUTBOUND_MAX_TOTAL_MS) are the Graph API's. */

export const outboundConfig = registerAs('outbound', () => {
  const graph = graphApiConfig();
  const env = validateEnv(OutboundEnv);
  return {
    wasender: {
      baseUrl: env.WASENDER_API_BASE_URL ?? 'https://www.wasenderapi.com',
      apiKey: env.WASENDER_API_KEY,
    },
    /** Channel for plain-text trigger messages when a call does not choose one. */
    triggerChannel: env.TRIGGER_CHANNEL ?? 'cloud',
    /** Retries of 429/5xx (WASenderApi's too) stop once this much time has passed. */
    maxTotalMs: graph.maxTotalMs,
  };
});

export type OutboundConfig = ReturnType<typeof outboundConfig>;
