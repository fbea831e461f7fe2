import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
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
  return { line: before.split('\n').length, column: before.length - before.lastIndexOf('\n') };
}

/**
 * The local checks `deploy` runs before anything is uploaded: ONE function, so a more complete
 * checker replaces this body and nothing else. Today: strict JSON syntax (jsonc-parser gives the
 * position; JSON.parse on Node 20 does not) and the
 * structural problems the boot also refuses (flowJsonProblems, which gives no positions: line 1).
 */
export function checkFlowJson(text: string): FlowJsonProblem[] {
  // Strict JSON as Meta reads it: no comments, no trailing commas.
  const errors: ParseError[] = [];
  const json: unknown = parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length) {
    // The first error is the one to fix; the others follow from it.
    return [{ ...lineColumnOf(text, errors[0].offset), message: `not valid JSON: ${printParseErrorCode(errors[0].error)}` }];
  }
  return flowJsonProblems(json).map((message) => ({ line: 1, column: 1, message }));
}
