/**
 * What the checker finds, and how sure it is. An error is a rule Meta states without doubt: the upload
 * (or the phone) refuses the Flow JSON, so `flow:lint`, `flows deploy` and the boot refuse it too. A
 * warning is a rule Meta's own sources disagree on, or a limit that moved between versions: Meta may
 * well accept the Flow JSON, so nothing refuses it; the lint shows it so that a person can decide.
 * docs/flow-json.md keeps the table of every warning and the source that disagrees.
 */
export type FlowJsonSeverity = 'error' | 'warning';

export interface FlowJsonProblem {
  /** JSON pointer of the offending value, e.g. `/screens/1/layout/children/2/label`. */
  pointer: string;
  /** 1-based line and column of the offending key in the file. */
  line: number;
  column: number;
  message: string;
  severity: FlowJsonSeverity;
}

/** A problem before it has a position in the file. */
export interface Found {
  pointer: string;
  message: string;
  severity: FlowJsonSeverity;
}

export const error = (pointer: string, message: string): Found => ({ pointer, message, severity: 'error' });
export const warning = (pointer: string, message: string): Found => ({ pointer, message, severity: 'warning' });

export const isFlowJsonError = (problem: { severity: FlowJsonSeverity }) => problem.severity === 'error';

/** `a, b, c` or `none`. */
export const list = (names: Iterable<string>) => [...names].join(', ') || 'none';

/** RFC 6901 escape of one pointer segment. */
export const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

export const prefix =
  (at: string) =>
  (found: Found): Found => ({ ...found, pointer: `${at}${found.pointer}` });
