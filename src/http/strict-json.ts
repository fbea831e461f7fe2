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
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return false;
}
