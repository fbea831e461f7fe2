import type { ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** What a command receives: its parsed options, its positional arguments and whether --json was given. */
export interface CommandInput<V = Record<string, any>> {
  values: V;
  positionals: string[];
  json: boolean;
  /** How the user calls this command (`flowgate meta deploy`, `npm run flows -- deploy`), for hints. */
  invokedAs: string;
}

/** One command: a file in src/tools/commands/<group>/<name>.ts whose default export is this. */
export interface Command {
  /** More usage lines (options explained), printed by --help. */
  help?: string;
  options?: Options;
  /** Positional arguments are allowed (flow names, files). */
  positionals?: boolean;
  /** Takes the rest of the command line as it is (a command that hands it to another program). */
  passThrough?: boolean;
  /** Offers --json (default true); a command that does not is refused it as a usage error. */
  json?: boolean;
  /** Reads .env before running (default true). */
  env?: boolean;
  /** The exit code. A long-running command (a server) resolves when it stops. */
  run(input: CommandInput): number | Promise<number>;
}

export function defineCommand(command: Command): Command {
  return command;
}

/** An entry of the command table: what the listing shows, and where the command's file is. */
export interface CommandEntry {
  summary: string;
  /** The arguments after the command's name, for its usage line: `<flow>... | --all [--dry-run]`. */
  args?: string;
  /** Another name that still works, with a one-line note (a command that was renamed). */
  alias?: { name: string; note: string };
  load: () => Promise<{ default: Command }>;
}

export interface CommandGroup {
  summary: string;
  /** Lines printed under the group's listing (the settings it reads, its exit codes). */
  footer?: string;
  commands: Record<string, CommandEntry>;
}
