import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { EnvInt } from '../config/env-int.js';
import { ConfigValidationError, validateEnv } from '../config/validate-env.js';
import { ensureDevCredentials } from './keys/dev-credentials.js';
import { loadRing } from './keys/ring-key.js';

class FlowsEnv {
  @IsOptional() @IsString() NODE_ENV?: string;

  @IsOptional() @IsString() WHATSAPP_APP_SECRET?: string;
  @IsOptional() @IsString() WHATSAPP_APP_SECRET_PREVIOUS?: string;

  @IsOptional() @IsString() FLOW_PRIVATE_KEY_FILE?: string;
  @IsOptional() @IsString() FLOW_PRIVATE_KEY?: string;
  @IsOptional() @IsString() FLOW_PRIVATE_KEY_PASSPHRASE?: string;
  @IsOptional() @IsString() FLOW_PREVIOUS_PRIVATE_KEY_FILE?: string;
  @IsOptional() @IsString() FLOW_PREVIOUS_PRIVATE_KEY?: string;
  @IsOptional() @IsString() FLOW_PREVIOUS_PRIVATE_KEY_PASSPHRASE?: string;

  @IsOptional() @IsString() FLOW_DEV_KEYS_DIR?: string;

  @IsOptional()
  @IsIn(['enforce', 'log', 'off'], { message: 'must be enforce, log or off' })
  FLOW_CONTRACT_CHECK?: 'enforce' | 'log' | 'off';

  @EnvInt({ min: 1024, max: 100 * 1024 * 1024, message: 'must be a whole number of bytes between 1024 and 104857600' })
  FLOW_BODY_LIMIT?: number;

  @EnvInt({ min: 100, max: 9_000, message: 'must be a whole number of milliseconds between 100 and 9000' })
  FLOW_RESPONSE_BUDGET_MS?: number;

  @EnvInt({ min: 60, message: 'must be a whole number of seconds (at least 60)' })
  FLOW_SESSION_TTL_S?: number;
}

/** The format of a Meta app secret (App Dashboard → App settings → Basic). */
const META_APP_SECRET = /^[0-9a-f]{32}$/;

/** Where one private key of the ring comes from. Files are re-read on reload; inline values cannot change. */
export interface KeySource {
  label: 'current' | 'previous';
  /** The variable that names it, for error messages. */
  variable: string;
  file?: string;
  pem?: string;
  passphrase?: string;
}

export const flowsConfig = registerAs('flows', () => {
  const env = validateEnv(FlowsEnv);
  const production = env.NODE_ENV === 'production';
  const hasKey = Boolean(env.FLOW_PRIVATE_KEY_FILE || env.FLOW_PRIVATE_KEY);
  const hasSecret = Boolean(env.WHATSAPP_APP_SECRET);
  if (production && !hasKey) {
    throw new ConfigValidationError(
      'Invalid configuration: FLOW_PRIVATE_KEY_FILE (or FLOW_PRIVATE_KEY) is required when NODE_ENV=production',
    );
  }
  if (production && !hasSecret) {
    throw new ConfigValidationError('Invalid configuration: WHATSAPP_APP_SECRET is required when NODE_ENV=production');
  }
  if (production) {
    // A guessable secret lets anyone sign requests; Meta's app secrets are 32 lowercase hex digits.
    for (const variable of ['WHATSAPP_APP_SECRET', 'WHATSAPP_APP_SECRET_PREVIOUS'] as const) {
      const secret = env[variable];
      if (secret !== undefined && !META_APP_SECRET.test(secret)) {
        throw new ConfigValidationError(
          `Invalid configuration: ${variable} must be a Meta app secret (32 lowercase hexadecimal characters, from App settings → Basic) when NODE_ENV=production`,
        );
      }
    }
  }
  // Outside production, missing credentials are generated once into a git-ignored folder and reused.
  const dev = !hasKey || !hasSecret ? ensureDevCredentials(env.FLOW_DEV_KEYS_DIR ?? 'config/keys') : undefined;

  const keys: KeySource[] = [
    hasKey
      ? {
          label: 'current',
          variable: env.FLOW_PRIVATE_KEY_FILE ? 'FLOW_PRIVATE_KEY_FILE' : 'FLOW_PRIVATE_KEY',
          file: env.FLOW_PRIVATE_KEY_FILE,
          pem: env.FLOW_PRIVATE_KEY,
          passphrase: env.FLOW_PRIVATE_KEY_PASSPHRASE,
        }
      : { label: 'current', variable: 'FLOW_DEV_KEYS_DIR', file: dev!.privateKeyFile },
  ];
  if (env.FLOW_PREVIOUS_PRIVATE_KEY_FILE || env.FLOW_PREVIOUS_PRIVATE_KEY) {
    keys.push({
      label: 'previous',
      variable: env.FLOW_PREVIOUS_PRIVATE_KEY_FILE ? 'FLOW_PREVIOUS_PRIVATE_KEY_FILE' : 'FLOW_PREVIOUS_PRIVATE_KEY',
      file: env.FLOW_PREVIOUS_PRIVATE_KEY_FILE,
      pem: env.FLOW_PREVIOUS_PRIVATE_KEY,
      passphrase: env.FLOW_PREVIOUS_PRIVATE_KEY_PASSPHRASE,
    });
  }

  // Parse the keys now so a bad key or passphrase fails the boot with one line.
  try {
    loadRing(keys);
  } catch (error) {
    throw new ConfigValidationError(`Invalid configuration: ${(error as Error).message}`);
  }

  return {
    appSecret: env.WHATSAPP_APP_SECRET ?? dev!.appSecret,
    appSecretPrevious: env.WHATSAPP_APP_SECRET_PREVIOUS,
    keys,
    /** Set when development credentials were generated or reused. */
    devCredentials: dev,
    bodyLimit: env.FLOW_BODY_LIMIT ?? 1024 * 1024,
    responseBudgetMs: env.FLOW_RESPONSE_BUDGET_MS ?? 3_000,
    sessionTtlS: env.FLOW_SESSION_TTL_S ?? 24 * 3600,
    /**
     * Replies are checked against the flow's Flow JSON. `enforce` answers a violation with an error
     * screen instead (tests, development); `log` logs it and still answers (production default).
     */
    contractCheck: env.FLOW_CONTRACT_CHECK ?? (production ? 'log' : 'enforce'),
  };
});

export type FlowsConfig = ReturnType<typeof flowsConfig>;
