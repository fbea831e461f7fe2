import secureJson from 'secure-json-parse';

/**
 * The rules every JSON Flowgate accepts follows, whether it arrives as a request body or inside
 * an encrypted envelope.
 */

/** Deeper than anything Meta, WASenderApi, a phone or an admin client sends; recursive code stays safe. */
export const MAX_JSON_DEPTH = 32;

/** Fatal: invalid UTF-8 is not JSON (RFC 8259), and would otherwise turn into U+FFFD silently. */
export const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Whether parsed JSON nests deeper than `max` levels. Iterative, so it cannot itself overflow the
 * stack; the recursive code that would (validation, serialization) never sees such a value.
 */
export function nestsDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  if (typeof value !== 'object' || value === null) return false;
  // Only objects and arrays are kept, each beside its depth: the leaves (most of a payload) cost nothing.
  const objects: object[] = [value];
  const depths: number[] = [0];
  while (objects.length > 0) {
    const item = objects.pop() as Record<string, unknown>;
    const depth = depths.pop()!;
    if (depth >= max) return true;
    for (const key in item) {
      const child = item[key];
      if (typeof child === 'object' && child !== null && Object.hasOwn(item, key)) {
        objects.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** Why a body is not acceptable JSON; the message is safe to show the caller. */
export class StrictJsonError extends Error {
  override readonly name = 'StrictJsonError';
}

/**
 * Parses request bytes under the rules above: fatal UTF-8, JSON without `__proto__` or
 * `constructor.prototype` keys (they would poison objects built from it), at most MAX_JSON_DEPTH
 * levels. Throws StrictJsonError.
 */
export function parseStrictJson(bytes: Buffer): unknown {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new StrictJsonError('The body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = secureJson.parse(text, null, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw new StrictJsonError('The body is not valid JSON');
  }
  if (nestsDeeperThan(value)) throw new StrictJsonError(`The body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  return value;
}
