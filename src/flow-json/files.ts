// Reading Flow JSON files: the room's second entry, for Node code only (the server, the tools, tests).
// Kept apart from index.ts so what the browser preview imports pulls in nothing of Node.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkFlowJson, type FlowJsonProblem } from './flow-json-checker.js';
import type { FlowJson } from './flow-json.js';

/** Parses a Flow JSON file (no checks: see checkFlowJsonFile). */
export function readFlowJson(file: URL): FlowJson {
  return JSON.parse(readFileSync(fileURLToPath(file), 'utf8')) as FlowJson;
}

/** Reads and checks a Flow JSON file: what `flows deploy`, `flow:lint` and the boot use. */
export function checkFlowJsonFile(path: string): { problems: FlowJsonProblem[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return {
      problems: [
        { pointer: '', line: 1, column: 1, message: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` },
      ],
    };
  }
  return { problems: checkFlowJson(text) };
}
