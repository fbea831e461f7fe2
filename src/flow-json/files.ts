// Reading Flow JSON files: the room's second entry, for Node code only (the server, the tools, tests).
// Kept apart from index.ts so what the browser preview imports pulls in nothing of Node.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkFlowJson } from './flow-json-checker.js';
import type { FlowJson } from './flow-json.js';
import { isFlowJsonError, type FlowJsonProblem } from './problems.js';

/** Parses a Flow JSON file (no checks: see checkFlowJsonFile). */
export function readFlowJson(file: URL): FlowJson {
  return JSON.parse(readFileSync(fileURLToPath(file), 'utf8')) as FlowJson;
}

export interface FlowJsonFileCheck {
  /** The errors: what Meta refuses, so what refuses the file at boot, in `flows deploy` and in `flow:lint`. */
  problems: FlowJsonProblem[];
  /** What Meta's sources disagree on: shown, never refused. */
  warnings: FlowJsonProblem[];
}

/** Reads and checks a Flow JSON file: what `flows deploy`, `flow:lint` and the boot use. */
export function checkFlowJsonFile(path: string): FlowJsonFileCheck {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const message = `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
    return { problems: [{ pointer: '', line: 1, column: 1, message, severity: 'error' }], warnings: [] };
  }
  const found = checkFlowJson(text);
  return { problems: found.filter(isFlowJsonError), warnings: found.filter((problem) => !isFlowJsonError(problem)) };
}
