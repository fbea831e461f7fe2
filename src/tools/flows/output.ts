import { createInterface } from 'node:readline/promises';
import { GraphApiError, graphApiConfig } from '../../graph-api/index.js';
import { CliError, EXIT, UnreachableError } from '../cli/errors.js';

export { EXIT, UnreachableError };

/**
 * One line per step with ✔ / ✖ (⚠ for a warning, · for information), or, with --json, nothing until
 * the end and then one JSON document. Lines never contain tokens or secrets: callers pass none.
 */
export class Output {
  readonly steps: Array<{ ok: boolean | null; message: string }> = [];
  failed = false;

  constructor(readonly json: boolean) {}

  private line(mark: string, message: string, ok: boolean | null, stream: 'out' | 'err' = 'out') {
    this.steps.push({ ok, message });
    if (!this.json) (stream === 'out' ? process.stdout : process.stderr).write(`${mark} ${message}\n`);
  }

  ok(message: string) {
    this.line('✔', message, true);
  }

  fail(message: string) {
    this.failed = true;
    this.line('✖', message, false, 'err');
  }

  warn(message: string) {
    this.line('⚠', message, null);
  }

  info(message: string) {
    this.line('·', message, null);
  }

  /** Plain lines (tables, problems at file:line:col) that are not steps. */
  print(text: string) {
    if (!this.json) process.stdout.write(`${text}\n`);
  }

  printError(text: string) {
    if (!this.json) process.stderr.write(`${text}\n`);
  }

  /** Ends the command: prints the JSON document (with --json) and gives the exit code. */
  finish(document: Record<string, unknown> = {}): number {
    if (this.json) process.stdout.write(`${JSON.stringify({ ok: !this.failed, ...document, steps: this.steps }, null, 2)}\n`);
    return this.failed ? EXIT.failed : EXIT.ok;
  }
}

/** The host the Graph API calls go to (GRAPH_API_BASE_URL's), for a line about a network failure. */
export function metaHost(): string {
  const base = graphApiConfig().baseUrl;
  return URL.canParse(base) ? new URL(base).host : base;
}

/** Meta's error as a person reads it: code, error_user_msg (or message), fbtrace_id. */
export function metaErrorText(error: GraphApiError): string {
  if (error.unreachable) return `Meta could not be reached at ${metaHost()} (${error.provider.userMessage ?? 'no answer'})`;
  const parts = [`Meta answered ${error.status}`];
  if (error.code !== undefined) parts.push(`code ${error.code}${error.provider.subcode ? `/${error.provider.subcode}` : ''}`);
  const text = `${parts.join(', ')}: ${error.provider.userMessage ?? error.message}`;
  return error.provider.fbtraceId ? `${text} (fbtrace_id ${error.provider.fbtraceId})` : text;
}

/** Runs one call to Meta; its failure becomes one readable line (exit 3 when Meta was unreachable). */
export async function step<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof GraphApiError) {
      const text = `${what} failed: ${metaErrorText(error)}`;
      throw error.unreachable ? new UnreachableError(text) : new CliError(text);
    }
    throw error;
  }
}

/**
 * Asks before something final (publish, deprecate, delete). Without a terminal there is nobody to
 * ask: --yes is required.
 */
export async function confirm(question: string, yes: boolean): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) throw new CliError(`${question} — this cannot be undone: pass --yes to confirm (there is no terminal to ask)`);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} This cannot be undone. Type "yes" to go on: `);
    if (answer.trim().toLowerCase() !== 'yes') throw new CliError('Cancelled: nothing was changed');
  } finally {
    rl.close();
  }
}

/** Plain-text columns. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const format = (row: string[]) =>
    row
      .map((cell, i) => (cell ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [format(headers), ...rows.map(format)].join('\n');
}
