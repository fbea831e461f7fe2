import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** `/screens/0/id` → ['screens', 0, 'id'] (RFC 6901 escapes undone). */
export function pointerSegments(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment));
}

export const pointerOf = (...segments: Array<string | number>) =>
  segments.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/**
 * A parsed JSON text that answers "where in the file is this JSON pointer": the line and column of
 * the key that holds the value (of the value itself for array items), or of the nearest ancestor
 * that exists when the pointer names something missing.
 */
export class JsonLocator {
  readonly value: unknown;
  readonly syntaxErrors: Array<Position & { message: string }>;
  private readonly root: Node | undefined;
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) === 10) this.lineStarts.push(index + 1);
    const errors: ParseError[] = [];
    this.root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    // The first syntax error is the one to fix; the others follow from it.
    this.syntaxErrors = errors
      .slice(0, 1)
      .map((error) => ({ ...this.position(error.offset), message: `not valid JSON: ${printParseErrorCode(error.error)}` }));
    this.value = this.syntaxErrors.length === 0 ? JSON.parse(text) : undefined;
  }

  locate(pointer: string): Position {
    if (!this.root) return { line: 1, column: 1 };
    const segments = pointerSegments(pointer);
    for (let length = segments.length; length > 0; length--) {
      const node = findNodeAtLocation(this.root, segments.slice(0, length));
      if (!node) continue;
      const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
      return this.position((key ?? node).offset);
    }
    return this.position(this.root.offset);
  }

  private position(offset: number): Position {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - this.lineStarts[low] + 1 };
  }
}
