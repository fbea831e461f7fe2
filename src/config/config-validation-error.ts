/** Thrown when an environment variable is missing or invalid. Its message is one line. */
export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';
}
