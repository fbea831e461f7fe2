/** Exit codes, the same in every command: 1 a failure to act on, 2 a usage error, 3 something could not be reached. */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;

/** A failure the user can act on: printed as one plain line (or a few), exit code 1, no stack. */
export class CliError extends Error {}

/** A usage error: the command line itself is wrong. Exit code 2, with the command's usage. */
export class UsageError extends CliError {}

/** A network failure: no answer at all from a named host. Exit code 3. */
export class UnreachableError extends CliError {}

const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * A network error (Node's, or fetch's "fetch failed" with its cause) as one line naming the host, or
 * undefined when `error` is not one. `ENOTFOUND` alone does not say which name failed to resolve.
 */
export function unreachable(error: unknown, url?: string): UnreachableError | undefined {
  const cause = (error as { cause?: unknown })?.cause;
  const node = (cause && typeof cause === 'object' ? cause : error) as NodeJS.ErrnoException & { hostname?: string; host?: string; address?: string };
  const timeout = (error as Error)?.name === 'TimeoutError';
  if (!timeout && !(node && typeof node.code === 'string' && NETWORK_CODES.has(node.code))) return undefined;
  let host = node.hostname ?? node.host ?? node.address;
  if (!host && url) host = URL.canParse(url) ? new URL(url).host : url;
  const why = timeout ? 'no answer in time' : node.code === 'ENOTFOUND' ? 'the name does not resolve' : node.code;
  return new UnreachableError(`cannot reach ${host ?? 'the server'} (${why})`);
}
