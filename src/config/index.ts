// Configuration helpers for the modules above the foundation: a module validates its own variables
// (validateEnv with a class-validator class, EnvInt for whole numbers) and registers its namespace
// with ConfigModule.forFeature; a bad value stops the boot with one line (ConfigValidationError).
export { validateEnv } from './validate-env.js';
export { ConfigValidationError } from './config-validation-error.js';
export { EnvInt } from './env-int.js';
