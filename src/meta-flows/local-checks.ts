import { flowJsonProblems } from '../flows-core/contract/flow-json-validator.js';

/** A problem in a Flow JSON file, at a place a person can jump to. */
export interface FlowJsonProblem {
  line: number;
  column: number;
  message: string;
}

/** Line and column (1-based) of a character offset. */
export function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * The local checks `deploy` runs before anything is uploaded: ONE function, so a more complete
 * checker replaces this body and nothing else. Today: JSON syntax (with its position) and the
 * structural problems the boot also refuses (flowJsonProblems, which gives no positions: line 1).
 */
export function checkFlowJson(text: string): FlowJsonProblem[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const lineCol = /line (\d+) column (\d+)/.exec(message);
    const where = lineCol ? { line: Number(lineCol[1]), column: Number(lineCol[2]) } : lineColumnOf(text, position ? Number(position[1]) : 0);
    return [{ ...where, message: `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}` }];
  }
  return flowJsonProblems(json).map((message) => ({ line: 1, column: 1, message }));
}
