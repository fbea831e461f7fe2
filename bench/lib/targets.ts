import { round } from './load.js';
import type { FloodResult } from './flood.js';
import type { Measurement } from './report.js';

export interface Ratio {
  scenario: string;
  concurrency: number;
  /** Flowgate req/s ÷ baseline req/s. */
  throughput: number;
  /** Flowgate CPU µs/request ÷ baseline CPU µs/request. */
  cpuPerRequest: number;
}

export interface TargetResult {
  target: string;
  measured: string;
  met: boolean;
}

interface Inputs {
  measurements: Measurement[];
  multiWorker: Measurement[];
  database: 'postgres' | 'embedded';
  webhooks: { acknowledged: number; stored?: number };
  flood?: FloodResult;
  smoke: boolean;
}

/** What a refused unsigned or mis-signed request may cost the server, whatever its size. */
const REFUSED_CPU_MICROS = 5_000;

/**
 * Correctness checks (every reply right, every acknowledged webhook stored: these fail the run)
 * and the performance targets (reported as met or not: figures depend on the machine).
 */
export function evaluateTargets({ measurements, multiWorker, database, webhooks, flood, smoke }: Inputs) {
  const find = (target: string, scenario: string, concurrency: number) =>
    measurements.find((row) => row.target === target && row.scenario === scenario && row.concurrency === concurrency);

  const ratios: Ratio[] = measurements
    .filter((row) => row.target === 'flowgate' && row.scenario !== 'webhook')
    .flatMap((row) => {
      const base = find('baseline', 'ping', row.concurrency);
      if (!base || !base.rps || !base.cpuMicrosPerRequest) return [];
      return [
        {
          scenario: row.scenario,
          concurrency: row.concurrency,
          throughput: round(row.rps / base.rps, 3),
          cpuPerRequest: round(row.cpuMicrosPerRequest / base.cpuMicrosPerRequest, 3),
        },
      ];
    });

  const checks: TargetResult[] = [];
  const failed = [...measurements, ...multiWorker].filter((row) => row.errors > 0 || row.requests === 0);
  checks.push({
    target: 'every reply answered, decrypted and held the expected data',
    measured:
      failed.length === 0
        ? `${[...measurements, ...multiWorker].reduce((sum, row) => sum + row.requests, 0)} requests, 0 errors`
        : failed.map((row) => `${row.target} ${row.scenario} c=${row.concurrency}: ${row.errors} errors of ${row.requests}`).join('; '),
    met: failed.length === 0,
  });
  if (webhooks.stored !== undefined) {
    checks.push({
      target: 'every acknowledged webhook event was stored',
      measured: `${webhooks.acknowledged} acknowledged, ${webhooks.stored} stored`,
      met: webhooks.acknowledged > 0 && webhooks.stored === webhooks.acknowledged,
    });
  }

  const targets: TargetResult[] = [];
  const ratio = (scenario: string, concurrency: number) => ratios.find((r) => r.scenario === scenario && r.concurrency === concurrency);
  const top = 64;
  // What Flowgate adds is measured against the framework floor (NestJS on Fastify with one controller
  // around the same crypto): the framework's own cost is not Flowgate's to cut.
  const floor = find('framework floor', 'ping', top);
  const overFloor = (scenario: string) => {
    const row = find('flowgate', scenario, top);
    return row && floor?.cpuMicrosPerRequest ? round(row.cpuMicrosPerRequest / floor.cpuMicrosPerRequest, 3) : undefined;
  };
  const pingOverFloor = overFloor('ping');
  if (pingOverFloor !== undefined) {
    targets.push({
      target: 'ping c=64: CPU/request ≤ 1.10 × the framework floor',
      measured: `${pingOverFloor} × (${find('flowgate', 'ping', top)!.cpuMicrosPerRequest} vs ${floor!.cpuMicrosPerRequest} µs)`,
      met: pingOverFloor <= 1.1,
    });
  }
  const ping = ratio('ping', top);
  if (ping) {
    targets.push({
      target: 'ping c=64: ≥ 85 % of the thin baseline req/s',
      measured: `${round(ping.throughput * 100, 1)} % (the framework floor: ${floor ? round((floor.rps / find('baseline', 'ping', top)!.rps) * 100, 1) : '-'} %)`,
      met: ping.throughput >= 0.85,
    });
  }
  const inventoryOverFloor = overFloor('inventory');
  if (inventoryOverFloor !== undefined) {
    targets.push({
      target: 'inventory c=64: CPU/request ≤ 1.35 × the framework floor (its ping)',
      measured: `${inventoryOverFloor} × (${find('flowgate', 'inventory', top)!.cpuMicrosPerRequest} vs ${floor!.cpuMicrosPerRequest} µs)`,
      met: inventoryOverFloor <= 1.35,
    });
  }
  const lagRows = measurements.filter(
    (row) => row.target === 'flowgate' && row.concurrency === top && row.eventLoopLagP99Ms !== undefined && row.scenario !== 'webhook',
  );
  if (lagRows.length) {
    const worst = Math.max(...lagRows.map((row) => row.eventLoopLagP99Ms!));
    const baseline = find('baseline', 'ping', top)?.eventLoopLagP99Ms;
    targets.push({
      target: 'event-loop lag p99 ≤ 5 ms at c=64 (data endpoint scenarios)',
      measured: `${worst} ms (worst; the thin baseline: ${baseline ?? '-'} ms)`,
      met: worst <= 5,
    });
  }
  // Workers compared with one process under the same placement (everything sharing both cores).
  for (const scenario of ['ping', 'inventory']) {
    const shared = multiWorker.filter((row) => row.scenario === scenario);
    const single = shared.find((row) => row.target === 'flowgate x1 shared cores');
    const clustered = shared.find((row) => row !== single);
    if (!single || !clustered) continue;
    const rise = clustered.cpuMicrosPerRequest / single.cpuMicrosPerRequest - 1;
    targets.push({
      target: `${clustered.target}: CPU/request ≤ +10 % over one process on the same cores (${scenario} c=${clustered.concurrency})`,
      measured: `${rise >= 0 ? '+' : ''}${round(rise * 100, 1)} % (${clustered.cpuMicrosPerRequest} vs ${single.cpuMicrosPerRequest} µs; ${clustered.rps} vs ${single.rps} req/s)`,
      met: rise <= 0.1,
    });
  }
  if (flood) {
    targets.push({
      target: `a refused unsigned or mis-signed request costs ≤ ${REFUSED_CPU_MICROS / 1000} ms of server CPU (bodies up to 3.4 MB)`,
      measured: `${flood.cpuMicrosPerRefused.unsigned} µs unsigned, ${flood.cpuMicrosPerRefused.misSigned} µs mis-signed`,
      met: Math.max(flood.cpuMicrosPerRefused.unsigned, flood.cpuMicrosPerRefused.misSigned) <= REFUSED_CPU_MICROS,
    });
  }
  const webhookRows = measurements.filter((row) => row.target === 'flowgate' && row.scenario === 'webhook');
  if (webhookRows.length && database === 'postgres') {
    const best = Math.max(...webhookRows.map((row) => row.rps));
    targets.push({
      target: 'webhook intake ≥ 1,000 persisted events/s on Postgres',
      measured: `${best} events/s (best concurrency)`,
      met: best >= 1000,
    });
  }

  const floorLines = measurements
    .filter((row) => row.target === 'framework floor')
    .flatMap((row) => {
      const base = find('baseline', 'ping', row.concurrency);
      const flowgate = find('flowgate', 'ping', row.concurrency);
      if (!base || !flowgate) return [];
      return [
        `CPU/request at c=${row.concurrency}: thin baseline ${base.cpuMicrosPerRequest} µs, framework floor ${row.cpuMicrosPerRequest} µs ` +
          `(×${round(row.cpuMicrosPerRequest / base.cpuMicrosPerRequest, 3)}), Flowgate ping ${flowgate.cpuMicrosPerRequest} µs (×${round(flowgate.cpuMicrosPerRequest / base.cpuMicrosPerRequest, 3)})`,
      ];
    });

  const ok = checks.every((check) => check.met);
  const line = (result: TargetResult) => `${result.met ? 'MET    ' : 'NOT MET'}  ${result.target}: ${result.measured}`;
  const summary = [
    ...checks.map((check) => `${check.met ? 'OK     ' : 'FAILED '}  ${check.target}: ${check.measured}`),
    ...(smoke ? [] : targets.map(line)),
    ...ratios.map((r) => `ratio flowgate ÷ baseline, ${r.scenario} c=${r.concurrency}: throughput ${r.throughput}, CPU/request ${r.cpuPerRequest}`),
    ...floorLines,
    ...(flood ? [flood.summary] : []),
  ];
  return { ok, checks, targets, ratios, summary };
}
