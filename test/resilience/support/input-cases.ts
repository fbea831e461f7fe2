import { expect, it } from '@jest/globals';

/** What a case got back: the status and, where it means something, the body. */
export interface Answer {
  status: number;
  text: string;
  /** The decrypted reply on the data endpoint, the parsed JSON elsewhere. */
  json?: any;
  headers?: Record<string, string> | Headers;
}

export interface InputCase {
  name: string;
  send: () => Promise<Answer>;
  status: number;
  /** Further checks of the answer (decrypted screen, error message, ...). */
  check?: (answer: Answer) => void | Promise<void>;
  /** Rows the case legitimately adds, by table; every other table must not change. */
  adds?: Record<string, number>;
}

export interface CaseContext {
  /** Row counts of the tables the endpoint family may write to. */
  counts: () => Promise<Record<string, number>>;
  /** A valid request that must still succeed after every case (the process is up and serving). */
  stillServes: () => Promise<void>;
}

// Jest runs the app inside a VM context: objects parsed by the app come from this realm, objects made
// by Node itself (headers, URL parts) from the outer one. Pollution of either would show here.
const realms = [{}, process.memoryUsage()].map((object) => {
  let prototype = Object.getPrototypeOf(object);
  while (Object.getPrototypeOf(prototype)) prototype = Object.getPrototypeOf(prototype);
  return { prototype, names: Object.getOwnPropertyNames(prototype).sort() };
});

export function expectNoPrototypePollution(): void {
  for (const realm of realms) {
    expect(Object.getOwnPropertyNames(realm.prototype).sort()).toEqual(realm.names);
    expect((realm.prototype as Record<string, unknown>).polluted).toBeUndefined();
  }
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

/**
 * One `it` per case: the expected status (never 5xx), the expected answer, no rows written that
 * should not be, no prototype pollution, and a valid request still succeeds afterwards.
 */
export function itAnswers(cases: InputCase[], context: () => CaseContext): void {
  const names = cases.map((entry) => entry.name);
  if (new Set(names).size !== names.length) throw new Error(`Duplicate case names: ${names.join(', ')}`);
  for (const entry of cases) {
    it(`${entry.name} → ${entry.status}`, async () => {
      const { counts, stillServes } = context();
      const before = await counts();
      const answer = await entry.send();
      expect({ status: answer.status, body: answer.status === entry.status ? undefined : answer.text.slice(0, 500) }).toEqual({
        status: entry.status,
        body: undefined,
      });
      expect(answer.status).toBeLessThan(500);
      await entry.check?.(answer);
      const expected = Object.fromEntries(Object.entries(before).map(([table, count]) => [table, count + (entry.adds?.[table] ?? 0)]));
      expect(await counts()).toEqual(expected);
      expectNoPrototypePollution();
      await stillServes();
    });
  }
}
