import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { EnvInt } from '../config/env-int.js';
import { ConfigValidationError } from '../config/config-validation-error.js';
import { validateEnv } from '../config/validate-env.js';
import type { KeySource } from './keys/ring-key.js';
import { META_APP_SECRET, readAppSecretFile } from './keys/app-secret-files.js';

class FlowsEnv {
  @IsOptional() @IsString() NODE_ENV?: string;

  @IsOptional() @IsString() WHATSAPP_APP_SECRET?: string;
  @IsOptional() @IsString() WHATSAPP_APP_SECRET_PREVIOUS?: string;
  @IsOptional() @IsString() WHATSAPP_APP_SECRET_FILE?: string;
  @IsOptional() @IsString() WHATSAPP_APP_SECRET_PREVIOUS_FILE?: string;

  @IsOptional()
  @IsIn(['auto', 'true', 'false'], { message: 'must be auto, true or false' })
  FLOW_SECRETS_WATCH?: 'auto' | 'true' | 'false';

  @EnvInt({ min: 1, max: 3600, message: 'must be a whole number of seconds between 1 and 3600' })
  FLOW_SECRETS_POLL_INTERVAL_S?: number;

  @IsOptional() @IsString() FLOW_PRIVATE_KEY_FILE?: string;
  @IsOptional() @IsString() FLOW_PRIVATE_KEY?: string;
  @IsOptional() @IsString() FLOW_PRIVATE_KEY_PASSPHRASE?: string;
  @IsOptional() @IsString() FLOW_PREVIOUS_PRIVATE_KEY_FILE?: string;
  @IsOptional() @IsString() FLOW_PREVIOUS_PRIVATE_KEY?: string;
  @IsOptional() @IsString() FLOW_PREVIOUS_PRIVATE_KEY_PASSPHRASE?: string;

  @IsOptional() @IsString() FLOW_DEV_KEYS_DIR?: string;

  @IsOptional() @IsString() TENANTS_DIR?: string;

  @IsOptional()
  @IsIn(['enforce', 'log', 'off'], { message: 'must be enforce, log or off' })
  FLOW_CONTRACT_CHECK?: 'enforce' | 'log' | 'off';

  @IsOptional()
  @IsIn(['enforce', 'log'], { message: 'must be enforce or log' })
  FLOW_TOKEN_SIGNATURE?: 'enforce' | 'log';

  @EnvInt({ min: 1024, max: 100 * 1024 * 1024, message: 'must be a whole number of bytes between 1024 and 104857600' })
  FLOW_BODY_LIMIT?: number;

  @EnvInt({ min: 100, max: 9_000, message: 'must be a whole number of milliseconds between 100 and 9000' })
  FLOW_RESPONSE_BUDGET_MS?: number;

  @EnvInt({ min: 60, message: 'must be a whole number of seconds (at least 60)' })
  FLOW_SESSION_TTL_S?: number;

  @EnvInt({ min: 10, max: 3600, message: 'must be a whole number of seconds between 10 and 3600' })
  FLOW_REPLAY_WINDOW_S?: number;

  @EnvInt({ min: 1, max: 3650, message: 'must be a whole number of days between 1 and 3650' })
  FLOW_REPLAY_RETENTION_DAYS?: number;
}

/**
 * The data endpoint's default body limit. The largest realistic request (a data_exchange with 30
 * PhotoPicker media objects, five 3,000-character TextAreas of 3-byte characters and ten full
 * TextInputs) is an envelope of about 89 KB (measured in test/flows-core/body-limit.e2e-spec.ts);
 * this leaves more than twice that.
 */
export const FLOW_BODY_LIMIT_DEFAULT = 256 * 1024;

export const flowsConfig = registerAs('flows', () => {
  const env = validateEnv(FlowsEnv);
  const production = env.NODE_ENV === 'production';
  // An app secret may come from a file (a mounted Secret), read again on every key ring reload.
  const secrets: Record<'WHATSAPP_APP_SECRET' | 'WHATSAPP_APP_SECRET_PREVIOUS', string | undefined> = {
    WHATSAPP_APP_SECRET: env.WHATSAPP_APP_SECRET,
    WHATSAPP_APP_SECRET_PREVIOUS: env.WHATSAPP_APP_SECRET_PREVIOUS,
  };
  for (const variable of ['WHATSAPP_APP_SECRET', 'WHATSAPP_APP_SECRET_PREVIOUS'] as const) {
    const file = env[`${variable}_FILE`];
    if (!file) continue;
    if (secrets[variable]) throw new ConfigValidationError(`Invalid configuration: set ${variable} or ${variable}_FILE, not both`);
    try {
      secrets[variable] = readAppSecretFile(file, `${variable}_FILE`, { optional: variable === 'WHATSAPP_APP_SECRET_PREVIOUS' });
    } catch (error) {
      throw new ConfigValidationError(`Invalid configuration: ${(error as Error).message}`);
    }
  }
  const hasKey = Boolean(env.FLOW_PRIVATE_KEY_FILE || env.FLOW_PRIVATE_KEY);
  if (production && !hasKey) {
    throw new ConfigValidationError('Invalid configuration: FLOW_PRIVATE_KEY_FILE (or FLOW_PRIVATE_KEY) is required when NODE_ENV=production');
  }
  if (production && !secrets.WHATSAPP_APP_SECRET) {
    throw new ConfigValidationError('Invalid configuration: WHATSAPP_APP_SECRET (or WHATSAPP_APP_SECRET_FILE) is required when NODE_ENV=production');
  }
  if (production) {
    // A guessable secret lets anyone sign requests; Meta's app secrets are 32 lowercase hex digits.
    for (const variable of ['WHATSAPP_APP_SECRET', 'WHATSAPP_APP_SECRET_PREVIOUS'] as const) {
      const secret = secrets[variable];
      if (secret !== undefined && !META_APP_SECRET.test(secret)) {
        throw new ConfigValidationError(
          `Invalid configuration: ${env[`${variable}_FILE`] ? `${variable}_FILE` : variable} must be a Meta app secret (32 lowercase hexadecimal characters, from App settings → Basic) when NODE_ENV=production`,
        );
      }
    }
  }
  // Only where the keys are: the key ring reads and parses them, and generates development
  // credentials (outside production) for what is missing.
  const currentKey: KeySource | undefined = hasKey
    ? {
        label: 'current',
        variable: env.FLOW_PRIVATE_KEY_FILE ? 'FLOW_PRIVATE_KEY_FILE' : 'FLOW_PRIVATE_KEY',
        file: env.FLOW_PRIVATE_KEY_FILE,
        pem: env.FLOW_PRIVATE_KEY,
        passphrase: env.FLOW_PRIVATE_KEY_PASSPHRASE,
      }
    : undefined;
  const previousKey: KeySource | undefined =
    env.FLOW_PREVIOUS_PRIVATE_KEY_FILE || env.FLOW_PREVIOUS_PRIVATE_KEY
      ? {
          label: 'previous',
          variable: env.FLOW_PREVIOUS_PRIVATE_KEY_FILE ? 'FLOW_PREVIOUS_PRIVATE_KEY_FILE' : 'FLOW_PREVIOUS_PRIVATE_KEY',
          file: env.FLOW_PREVIOUS_PRIVATE_KEY_FILE,
          pem: env.FLOW_PREVIOUS_PRIVATE_KEY,
          passphrase: env.FLOW_PREVIOUS_PRIVATE_KEY_PASSPHRASE,
        }
      : undefined;

  return {
    /** Unset outside production: the key ring generates a development secret. */
    appSecret: secrets.WHATSAPP_APP_SECRET,
    appSecretPrevious: secrets.WHATSAPP_APP_SECRET_PREVIOUS,
    /** Files the app secrets were read from (read again on every key ring reload). */
    appSecretFile: env.WHATSAPP_APP_SECRET_FILE,
    appSecretPreviousFile: env.WHATSAPP_APP_SECRET_PREVIOUS_FILE,
    /** Production accepts only Meta-format app secrets, also when a reload reads new ones. */
    metaFormatSecrets: production,
    /**
     * Watch the folders of key and secret files and reload when their content changes: `auto` does
     * where a folder is a mounted Kubernetes volume (it holds `..data`); polled as a safety net.
     */
    secretsWatch: env.FLOW_SECRETS_WATCH ?? 'auto',
    secretsPollIntervalS: env.FLOW_SECRETS_POLL_INTERVAL_S ?? 10,
    currentKey,
    previousKey,
    devKeysDir: env.FLOW_DEV_KEYS_DIR ?? 'config/keys',
    /** One folder per tenant (a WABA with its numbers, app secrets, keys and Graph token); unset: single-tenant only. */
    tenantsDir: env.TENANTS_DIR,
    bodyLimit: env.FLOW_BODY_LIMIT ?? FLOW_BODY_LIMIT_DEFAULT,
    responseBudgetMs: env.FLOW_RESPONSE_BUDGET_MS ?? 3_000,
    sessionTtlS: env.FLOW_SESSION_TTL_S ?? 24 * 3600,
    /** How long an envelope's first answer is kept to answer its replays with, byte for byte. */
    replayWindowS: env.FLOW_REPLAY_WINDOW_S ?? 120,
    /** How long past its token's expiry an envelope's key stays on record (replays refused, never answered anew). */
    replayRetentionDays: env.FLOW_REPLAY_RETENTION_DAYS ?? 7,
    /**
     * Replies are checked against the flow's Flow JSON. `enforce` answers a violation with an error
     * screen instead (tests, development); `log` logs it and still answers (production default).
     */
    contractCheck: env.FLOW_CONTRACT_CHECK ?? (production ? 'log' : 'enforce'),
    /**
     * Data API 4.0 requests carry `flow_token_signature`. `enforce` answers a bad one, or none on a 4.0
     * request of a 4.0 flow, with 427; `log` logs and counts it and still answers.
     */
    enforceTokenSignatures: (env.FLOW_TOKEN_SIGNATURE ?? 'enforce') === 'enforce',
  };
});

export type FlowsConfig = ReturnType<typeof flowsConfig>;
