import { checkFlowJson as checkFlowJsonText, isFlowJsonError } from '../flow-json/index.js';

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
 * The local checks `deploy` runs before anything is uploaded: the Flow JSON checker the boot and
 * `flow:lint` use (syntax, references, routing, components, versions, data declarations), each
 * error at the line and column of the offending key. Warnings (what Meta may accept) never stop a deploy.
 */
export function checkFlowJson(text: string): FlowJsonProblem[] {
  return checkFlowJsonText(text)
    .filter(isFlowJsonError)
    .map(({ line, column, message }) => ({ line, column, message }));
}
