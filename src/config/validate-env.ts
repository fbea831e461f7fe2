import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { configEnvironment, validatedOnce } from './config-context.js';
import { ConfigValidationError } from './config-validation-error.js';

// Values of these variables are never echoed back in error messages.
const SECRET_NAME = /SECRET|TOKEN|KEY|PASSPHRASE|PASSWORD|_URL$/;

function describe(error: ValidationError, env: NodeJS.ProcessEnv): string {
  const reason = Object.values(error.constraints ?? {})[0] ?? 'is invalid';
  const raw = env[error.property];
  const shown = raw === undefined || SECRET_NAME.test(error.property) ? '' : ` (got ${JSON.stringify(raw)})`;
  return `${error.property} ${reason.replace(new RegExp(`^${error.property} `), '')}${shown}`;
}

/**
 * Validates a slice of the environment (by default the current application's, see
 * `withConfiguration`) against a class-validator class, once per application.
 * Empty strings count as unset, so `PORT=` in an env file falls back to the default.
 */
export function validateEnv<T extends object>(schema: ClassConstructor<T>, env: NodeJS.ProcessEnv = configEnvironment()): T {
  return validatedOnce(schema, env, () => validate(schema, env));
}

function validate<T extends object>(schema: ClassConstructor<T>, env: NodeJS.ProcessEnv): T {
  const plain = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const instance = plainToInstance(schema, plain, { excludeExtraneousValues: false });
  const errors = validateSync(instance, { forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigValidationError(`Invalid configuration: ${errors.map((error) => describe(error, env)).join('; ')}`);
  }
  return instance;
}
