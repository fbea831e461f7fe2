// The one runner every command goes through: finds the command in the table, parses its options
// with node:util parseArgs, prints usage, and turns every failure into one line (or, with --json,
// one JSON document) and an exit code: 0 done, 1 failed, 2 usage, 3 something could not be reached.
import { parseArgs } from 'node:util';
import { exitWith } from '../../common/exit.js';
import { ConfigValidationError } from '../../config/config-validation-error.js';
import { loadEnvFile } from '../../config/env-file.js';
import type { Command, CommandEntry, CommandGroup } from './command.js';
import { COMMANDS } from './commands.js';
import { CliError, EXIT, UnreachableError, UsageError, unreachable } from './errors.js';

export interface Invocation {
  /** Words the entry point fixes: [] for `flowgate`, ['meta'] for `npm run flows`, ['flow', 'lint'] for `npm run flow:lint`. */
  fixed?: string[];
  /** How the user typed the fixed words: `flowgate`, `npm run flows --`. */
  program?: string;
  table?: Record<string, CommandGroup>;
  /** Where lines go (tests capture them). */
  io?: { out(text: string): void; err(text: string): void };
}

const STD = { out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text) };
const GLOBAL_OPTIONS = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, debug: { type: 'boolean' } } as const;
const EXIT_LINE = 'Exit codes: 0 done, 1 failed, 2 usage, 3 Meta, the server or another host could not be reached.';
const isHelp = (word: string | undefined) => word === '--help' || word === '-h' || word === 'help';

function lookup(group: CommandGroup, name: string): [string, CommandEntry] | undefined {
  if (group.commands[name]) return [name, group.commands[name]];
  return Object.entries(group.commands).find(([, entry]) => entry.alias?.name === name);
}

export async function runCli(argv: string[], invocation: Invocation = {}): Promise<number> {
  const table = invocation.table ?? COMMANDS;
  const fixed = invocation.fixed ?? [];
  const program = invocation.program ?? 'flowgate';
  const io = invocation.io ?? STD;
  const words = [...fixed, ...argv];
  const json = argv.includes('--json');
  const debug = argv.includes('--debug');

  const usageError = (message: string, usage: string): number => {
    if (json) io.out(`${JSON.stringify({ ok: false, error: message, usage }, null, 2)}\n`);
    else io.err(`✖ ${message}\n\n${usage}\n`);
    return EXIT.usage;
  };
  // The words the user types for a group or a command, whichever of them the entry point fixes.
  const typed = (...path: string[]) => [program, ...path.slice(fixed.length)].join(' ');

  const [groupName, commandName, ...rest] = words;
  if (!groupName || (isHelp(groupName) && fixed.length === 0)) {
    io[groupName ? 'out' : 'err'](`${overallUsage(table, program)}\n`);
    return groupName ? EXIT.ok : EXIT.usage;
  }
  const group = table[groupName];
  if (!group) return usageError(`Unknown command "${groupName}"`, overallUsage(table, program));

  const entry = commandName && !commandName.startsWith('-') ? lookup(group, commandName) : undefined;
  if (!entry) {
    if (isHelp(commandName)) {
      io.out(`${groupUsage(group, typed(groupName))}\n`);
      return EXIT.ok;
    }
    const problem = commandName && !commandName.startsWith('-') ? `Unknown command "${commandName}"` : 'No command given';
    return usageError(problem, groupUsage(group, typed(groupName)));
  }
  const [name, found] = entry;
  if (commandName !== name && found.alias) io.err(`· ${found.alias.note}\n`);
  const invokedAs = typed(groupName, name);
  const usage = `Usage: ${invokedAs}${found.args ? ` ${found.args}` : ''}`;

  let command: Command;
  try {
    command = (await found.load()).default;
  } catch (error) {
    return fail(error);
  }
  let values: Record<string, unknown> = {};
  let positionals: string[] = rest;
  if (command.passThrough && isHelp(rest[0])) {
    io.out(`${withHelp(usage, command)}\n`);
    return EXIT.ok;
  }
  if (!command.passThrough) {
    try {
      const { json: _json, ...withoutJson } = GLOBAL_OPTIONS;
      const globals = command.json === false ? withoutJson : GLOBAL_OPTIONS;
      const parsed = parseArgs({
        args: rest,
        options: { ...command.options, ...globals },
        allowPositionals: Boolean(command.positionals),
        strict: true,
      });
      values = parsed.values;
      positionals = parsed.positionals;
    } catch (error) {
      return usageError((error as Error).message, withHelp(usage, command));
    }
    if (values.help) {
      io.out(`${withHelp(usage, command)}\n`);
      return EXIT.ok;
    }
  }
  if (command.env !== false) loadEnvFile();
  try {
    return await command.run({ values, positionals, json, invokedAs });
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message, withHelp(usage, command));
    return fail(error);
  }

  function fail(error: unknown): number {
    const known = error instanceof CliError || error instanceof ConfigValidationError ? error : (unreachable(error) ?? portInUse(error));
    const message = known ? known.message : `${(error as Error)?.message ?? String(error)}`;
    if (json) io.out(`${JSON.stringify({ ok: false, error: message }, null, 2)}\n`);
    else for (const line of message.split('\n')) io.err(`✖ ${line}\n`);
    // A bug, not a situation the user can fix: the stack helps a report, but only when asked for.
    if (!known && !json) io.err(debug ? `${(error as Error)?.stack}\n` : `  (an unexpected error: run again with --debug for the details)\n`);
    return known instanceof UnreachableError ? EXIT.unreachable : EXIT.failed;
  }
}

/** A port another process holds (a server command's --port), as the one line that says what to do. */
function portInUse(error: unknown): CliError | undefined {
  const { code, port } = (error ?? {}) as NodeJS.ErrnoException & { port?: number };
  if (code !== 'EADDRINUSE') return undefined;
  return new CliError(`${port ? `Port ${port}` : 'The port'} is in use: pass --port <another>, or stop what holds it`);
}

function withHelp(usage: string, command: Command): string {
  return command.help ? `${usage}\n\n${command.help}` : usage;
}

const left = (name: string, entry: CommandEntry) => `${name}${entry.args ? ` ${entry.args}` : ''}`;
const widthOf = (groups: CommandGroup[]) =>
  Math.min(48, Math.max(...groups.flatMap((group) => Object.entries(group.commands).map(([name, entry]) => left(name, entry).length))));

function commandLines(group: CommandGroup, indent: string, width = widthOf([group])): string[] {
  const entries = Object.entries(group.commands).map(([name, entry]) => [left(name, entry), entry.summary]);
  return entries.map(([left, summary]) =>
    left.length > width ? `${indent}${left}\n${indent}${' '.repeat(width)}  ${summary}` : `${indent}${left.padEnd(width)}  ${summary}`,
  );
}

export function groupUsage(group: CommandGroup, prefix: string): string {
  return [
    `Usage: ${prefix} <command> [options] [--json]`,
    '',
    ...commandLines(group, '  '),
    '',
    ...(group.footer ? [group.footer] : []),
    EXIT_LINE,
  ].join('\n');
}

export function overallUsage(table: Record<string, CommandGroup>, program: string): string {
  const width = widthOf(Object.values(table));
  const groups = Object.entries(table).flatMap(([name, group]) => ['', `${name}: ${group.summary}`, ...commandLines(group, '  ', width)]);
  return [
    `Usage: ${program} <group> <command> [options] [--json]`,
    ...groups,
    '',
    `${program} <group> <command> --help shows a command's options.`,
    EXIT_LINE,
  ].join('\n');
}

/** Runs the command line and ends the process with its exit code (open database pools and timers included). */
export function main(invocation: Invocation = {}): void {
  runCli(process.argv.slice(2), invocation).then(
    (code) => exitWith(code),
    (error: unknown) => {
      process.stderr.write(`✖ ${(error as Error)?.message ?? String(error)}\n`);
      exitWith(EXIT.failed);
    },
  );
}
