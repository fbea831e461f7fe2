import { existsSync, readFileSync } from 'node:fs';

/** The format of a Meta app secret (App Dashboard → App settings → Basic). */
export const META_APP_SECRET = /^[0-9a-f]{32}$/;

/**
 * Reads an app secret kept in a file (a mounted Kubernetes Secret, a Docker secret): the content
 * without surrounding whitespace. Throws an Error whose message names the variable, never the value.
 * `optional`: a file that does not exist means "no secret" (the previous secret outside a rotation).
 */
export function readAppSecretFile(file: string, variable: string, options: { optional?: boolean; metaFormat?: boolean } = {}): string | undefined {
  if (options.optional && !existsSync(file)) return undefined;
  let secret: string;
  try {
    secret = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new Error(`${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (!secret) throw new Error(`${variable}: ${file} is empty`);
  if (options.metaFormat && !META_APP_SECRET.test(secret)) {
    throw new Error(`${variable}: ${file} must hold a Meta app secret (32 lowercase hexadecimal characters, from App settings → Basic)`);
  }
  return secret;
}
