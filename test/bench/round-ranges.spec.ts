import { describe, expect, it } from '@jest/globals';
import type { Measurement } from '../../bench/lib/report.js';
import { evaluateTargets, roundRange } from '../../bench/lib/targets.js';

/** A measured row as the benchmark writes it: only what the targets read matters here. */
function row(target: string, scenario: string, concurrency: number, cpu: number, byRound?: number[]): Measurement {
  return {
    target,
    scenario,
    concurrency,
    seconds: 10,
    requests: 1000,
    errors: 0,
    errorSamples: [],
    rps: 100,
    latencyMs: { p50: 1, p90: 2, p99: 3, max: 4 },
    cpuMicrosPerRequest: cpu,
    cpuMicrosPerRequestByRound: byRound,
  };
}

const evaluate = (measurements: Measurement[]) =>
  evaluateTargets({
    measurements,
    multiWorker: [],
    passes: [{ database: 'postgres', flowgate: 'flowgate', thin: 'thin+postgres' }],
    webhooks: { acknowledged: 0 },
    reservations: [],
    initNotes: [],
    smoke: false,
  });

describe('the CPU ratios round by round', () => {
  it('pairs round i of one server with round i of the other, and gives the lowest and highest ratio', () => {
    // The whole-load ratio (1,300 ÷ 1,000) hides rounds that read 1.1 and 1.5.
    const flowgate = row('flowgate', 'lookup', 64, 1300, [1100, 1500, 1300, 1300]);
    const thin = row('thin+postgres', 'lookup', 64, 1000, [1000, 1000, 1000, 1000]);
    expect(roundRange(flowgate, thin)).toEqual({ min: 1.1, max: 1.5 });

    const { targets, ratios, summary } = evaluate([flowgate, thin]);
    expect(targets.find((t) => t.target.startsWith('lookup c=64: CPU'))?.measured).toBe('1.3 × (1300 vs 1000 µs; round by round 1.1–1.5 ×)');
    expect(ratios[0].cpuPerRequestByRound).toEqual({ min: 1.1, max: 1.5 });
    expect(summary).toContain('ratio flowgate ÷ thin+postgres, lookup c=64: throughput 1, CPU/request 1.3 (round by round 1.1–1.5)');
  });

  it('says nothing of rounds for a single round, rounds that do not pair up, or a round without requests', () => {
    const thin = row('thin+postgres', 'lookup', 64, 1000, [1000, 1000]);
    expect(roundRange(row('flowgate', 'lookup', 64, 1300), thin)).toBeUndefined();
    expect(roundRange(row('flowgate', 'lookup', 64, 1300, [1300, 1300, 1300]), thin)).toBeUndefined();
    expect(roundRange(row('flowgate', 'lookup', 64, 1300, [1300, 0]), thin)).toBeUndefined();

    const { targets } = evaluate([row('flowgate', 'lookup', 64, 1300), row('thin+postgres', 'lookup', 64, 1000)]);
    expect(targets.find((t) => t.target.startsWith('lookup c=64: CPU'))?.measured).toBe('1.3 × (1300 vs 1000 µs)');
  });

  it('gives the range for the reserve against its baseline and the ping against the framework floor', () => {
    const { targets } = evaluate([
      row('flowgate', 'reserve', 16, 1800, [1700, 1900]),
      row('thin+postgres', 'reserve', 16, 1000, [1000, 1000]),
      row('flowgate', 'ping', 64, 480, [470, 490]),
      row('framework floor', 'ping', 64, 400, [400, 400]),
    ]);
    expect(targets.find((t) => t.target.startsWith('reserve'))?.measured).toContain('round by round 1.7–1.9 ×');
    expect(targets.find((t) => t.target.includes('framework floor'))?.measured).toContain('round by round 1.175–1.225 ×');
  });
});

describe("the framework floor in the product's shape", () => {
  it('reads the ping against the bare floor, says what the guard and interceptor alone cost, and pairs Flowgate with the shaped floor', () => {
    const { targets, ratios } = evaluate([
      row('flowgate', 'ping', 64, 480, [470, 490]),
      row('framework floor', 'ping', 64, 400, [400, 400]),
      row('floor + guard + interceptor', 'ping', 64, 440, [430, 450]),
    ]);
    const ping = targets.find((t) => t.target.includes('framework floor'));
    expect(ping?.measured).toBe(
      '1.2 × (480 vs 400 µs; round by round 1.175–1.225 ×); the floor with a guard and an interceptor alone: 1.1 × (440 vs 400 µs; round by round 1.075–1.125 ×)',
    );
    expect(ping?.met).toBe(false);
    expect(ratios.map((ratio) => [ratio.pair, ratio.cpuPerRequest])).toEqual([
      ['floor + guard + interceptor ÷ framework floor', 1.1],
      ['flowgate ÷ floor + guard + interceptor', 1.091],
    ]);
  });
});

describe('the slot listings against the lookups that took turns with them', () => {
  it('reads the slots target against the lookups beside them, round by round, not the lookup scenario of another moment', () => {
    const { targets } = evaluate([
      row('flowgate', 'lookup', 64, 700),
      row('flowgate', 'lookup beside slots', 64, 1000, [900, 1100]),
      row('flowgate', 'slots', 64, 1300, [1260, 1320]),
    ]);
    expect(targets.find((t) => t.target.startsWith('slots'))).toEqual({
      target: "slots c=64: CPU/request ≤ 1.5 × the lookup's",
      measured: '1.3 × (1300 vs 1000 µs; round by round 1.2–1.4 ×)',
      met: true,
    });
  });

  it('falls back to the lookup scenario when no lookups ran beside the slots (a report from before they did)', () => {
    const { targets } = evaluate([row('flowgate', 'lookup', 64, 700), row('flowgate', 'slots', 64, 1300)]);
    expect(targets.find((t) => t.target.startsWith('slots'))).toMatchObject({ measured: '1.857 × (1300 vs 700 µs)', met: false });
  });
});
