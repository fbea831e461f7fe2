import { basename } from 'node:path';
import { CliError } from './cli/errors.js';
import { findFlowJson } from './flow-client.js';
import { moduleFlowJsons } from './flow-files.js';

/** The flow modules' names, from their Flow JSON files (src/flows/<name>/<name>.flow.json). */
export function flowNames(): string[] {
  return moduleFlowJsons().map((file) => basename(file, '.flow.json'));
}

/** The Flow JSON of `flow`, or one line listing the flows there are (a typo is the usual cause). */
export function requireFlowJson(flow: string, given?: string): string {
  const found = findFlowJson(flow, given);
  if (found) return found;
  if (given) throw new CliError(`--flow-json ${given}: no such file`);
  const names = flowNames();
  throw new CliError(
    `No flow "${flow}" in src/flows (${names.length ? `flows: ${names.join(', ')}` : 'no flows there: run this from the project root'}); ` +
      'for a Flow JSON elsewhere pass --flow-json <file>',
  );
}
