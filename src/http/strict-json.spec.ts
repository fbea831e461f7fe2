import { describe, expect, it } from '@jest/globals';
import { MAX_JSON_DEPTH, nestsDeeperThan, parseStrictJson, StrictJsonError } from './strict-json.js';

/** `levels` objects (or arrays) inside one another, a string at the bottom. */
function nested(levels: number, kind: 'object' | 'array' = 'object'): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = kind === 'object' ? { next: value } : [value];
  return value;
}

/** The rule written the obvious way (recursive), to hold the iterative one to. */
function reference(value: unknown, max: number, depth = 0): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (depth >= max) return true;
  return Object.values(value).some((child) => reference(child, max, depth + 1));
}

describe('nestsDeeperThan', () => {
  it('allows MAX_JSON_DEPTH levels of objects or arrays and refuses one more', () => {
    for (const kind of ['object', 'array'] as const) {
      expect(nestsDeeperThan(nested(MAX_JSON_DEPTH, kind))).toBe(false);
      expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1, kind))).toBe(true);
    }
  });

  it('reads plain values as no nesting, and finds a deep branch beside shallow ones', () => {
    for (const value of ['text', 1, null, true, undefined]) expect(nestsDeeperThan(value)).toBe(false);
    expect(nestsDeeperThan({ a: 1, b: [1, 2, { c: 'x' }], deep: nested(4) }, 5)).toBe(false);
    expect(nestsDeeperThan({ a: 1, b: [1, 2, { c: 'x' }], deep: nested(5) }, 5)).toBe(true);
    expect(nestsDeeperThan([1, 'two', [3, [4, [5]]]], 3)).toBe(true);
  });

  it('agrees with the recursive rule on generated payloads', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const generate = (depth: number): unknown => {
      const roll = random();
      if (depth > 9 || roll < 0.3) return roll < 0.1 ? null : roll < 0.2 ? 'x' : 42;
      const children = Array.from({ length: Math.floor(random() * 4) }, () => generate(depth + 1));
      return roll < 0.65 ? children : Object.fromEntries(children.map((child, i) => [`k${i}`, child]));
    };
    for (let i = 0; i < 500; i++) {
      const value = JSON.parse(JSON.stringify(generate(0))) as unknown;
      for (const max of [1, 3, 6]) expect(nestsDeeperThan(value, max)).toBe(reference(value, max));
    }
  });

  it('counts own keys only', () => {
    const inherited = Object.create({ deep: nested(10) }) as object;
    expect(nestsDeeperThan(inherited, 3)).toBe(false);
  });
});

describe('parseStrictJson', () => {
  it('refuses a body nested deeper than MAX_JSON_DEPTH, with a message that says so', () => {
    expect(() => parseStrictJson(Buffer.from(JSON.stringify(nested(MAX_JSON_DEPTH + 1))))).toThrow(
      new StrictJsonError(`The body is nested deeper than ${MAX_JSON_DEPTH} levels`),
    );
    expect(parseStrictJson(Buffer.from(JSON.stringify(nested(MAX_JSON_DEPTH))))).toEqual(nested(MAX_JSON_DEPTH));
  });
});
