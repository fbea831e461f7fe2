/**
 * Whether parsed JSON nests deeper than `max` levels. Iterative, so it cannot itself overflow the
 * stack; the recursive code that would (validation, serialization) never sees such a value.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return false;
}
