import { round } from './load.js';
import type { FloodResult } from './flood.js';
import type { Measurement } from './report.js';

export interface Ratio {
  /** What is compared, e.g. "flowgate ÷ thin+postgres". */
  pair: string;
  scenario: string;
  concurrency: number;
  /** req/s ÷ req/s. */
  throughput: number;
  /** CPU µs/request ÷ CPU µs/request. */
  cpuPerRequest: number;
  /** The same ratio round by round, its lowest and highest, when the two took turns (see roundRange). */
  cpuPerRequestByRound?: RoundRange;
}

export interface RoundRange {
  min: number;
  max: number;
}

/**
 * The CPU-per-request ratio of `row` to `base` round by round, its lowest and highest, when the two
 * took turns over the same rounds (round i of one ran right beside round i of the other): how much a
 * ratio read on the whole load moves with the machine within the run. Undefined for a single round.
 */
export function roundRange(row: Measurement, base: Measurement): RoundRange | undefined {
  const mine = row.cpuMicrosPerRequestByRound;
  const theirs = base.cpuMicrosPerRequestByRound;
  if (!mine || !theirs || mine.length !== theirs.length) return undefined;
  const ratios = mine.flatMap((value, i) => (value > 0 && theirs[i] > 0 ? [value / theirs[i]] : []));
  if (ratios.length < 2) return undefined;
  return { min: round(Math.min(...ratios), 3), max: round(Math.max(...ratios), 3) };
}

/** A CPU target's reading: the ratio, both figures and, when the two took turns, the round-by-round range. */
function cpuVersus(row: Measurement, base: Measurement): string {
  const range = roundRange(row, base);
  const rounds = range ? `; round by round ${range.min}–${range.max} ×` : '';
  return `${round(row.cpuMicrosPerRequest / base.cpuMicrosPerRequest, 3)} × (${row.cpuMicrosPerRequest} vs ${base.cpuMicrosPerRequest} µs${rounds})`;
}

export interface TargetResult {
  target: string;
  measured: string;
  met: boolean;
}

/** Reservations a server made, by its replies and by its database. */
export interface ReservationLedger {
  server: string;
  /** SUCCESS replies the benchmark checked (1 unit each). */
  completions: number;
  /** Reservations the database holds for the benchmark's tokens, the units they reserved, and the stock it lost. */
  reservations: number;
  reserved: number;
  stockTaken: number;
}

/** INIT replies that showed INVENTORY with an error message instead of the screen itself. */
export interface InitNote {
  server: string;
  inits: number;
  initErrors: number;
}

/** The Flowgate rows and the comparison rows of one database. */
export interface Pass {
  database: 'postgres' | 'embedded';
  flowgate: string;
  thin: string;
}

interface Inputs {
  measurements: Measurement[];
  multiWorker: Measurement[];
  /** Flowgate and thin rows per database; targets are read on Postgres only. */
  passes: Pass[];
  webhooks: { acknowledged: number; stored?: number };
  webhookDatabase?: 'postgres' | 'embedded';
  reservations: ReservationLedger[];
  initNotes: InitNote[];
  flood?: FloodResult;
  smoke: boolean;
}

/** The scenario of the lookups that take turns with the slot listings (the slots target reads them). */
export const LOOKUP_BESIDE_SLOTS = 'lookup beside slots';
/** The framework floor with a guard and an interceptor around the same crypto: the product's shape, nothing of Flowgate's. */
export const FRAMEWORK_SHAPE = 'floor + guard + interceptor';

/** What a refused unsigned or mis-signed request may cost the server, whatever its size. */
const REFUSED_CPU_MICROS = 5_000;
/** The concurrency the throughput and CPU targets read, and the reserve's. */
const TOP = 64;
const RESERVE_AT = 16;
/** Meta alerts when p90 passes 1 s; the target is far below. */
const CROWD_P90_MS = 50;

/**
 * Correctness checks (every reply right, every acknowledged webhook stored, one reservation per
 * completion: these fail the run) and the performance targets of one run (reported as met or not:
 * figures depend on the machine), ratios only.
 */
export function evaluateTargets({ measurements, multiWorker, passes, webhooks, webhookDatabase, reservations, initNotes, flood, smoke }: Inputs) {
  const find = (target: string, scenario: string, concurrency?: number) =>
    measurements.find((row) => row.target === target && row.scenario === scenario && (concurrency === undefined || row.concurrency === concurrency));

  // Flowgate against the comparison that does the same work: the thin baseline for pings, the thin
  // server with the same database for the inventory flow's requests.
  const ratios: Ratio[] = [];
  const compare = (pair: string, rows: Measurement[], baseOf: (row: Measurement) => Measurement | undefined) => {
    for (const row of rows) {
      const base = baseOf(row);
      if (!base || !base.rps || !base.cpuMicrosPerRequest || row.openLoop) continue;
      ratios.push({
        pair,
        scenario: row.scenario,
        concurrency: row.concurrency,
        throughput: round(row.rps / base.rps, 3),
        cpuPerRequest: round(row.cpuMicrosPerRequest / base.cpuMicrosPerRequest, 3),
        cpuPerRequestByRound: roundRange(row, base),
      });
    }
  };
  compare(
    `${FRAMEWORK_SHAPE} ÷ framework floor`,
    measurements.filter((row) => row.target === FRAMEWORK_SHAPE),
    (row) => find('framework floor', 'ping', row.concurrency),
  );
  for (const pass of passes) {
    const pings = measurements.filter((row) => row.target === pass.flowgate && row.scenario === 'ping');
    compare(`${pass.flowgate} ÷ baseline`, pings, (row) => find('baseline', 'ping', row.concurrency));
    // What Flowgate adds on top of the product's shape.
    compare(`${pass.flowgate} ÷ ${FRAMEWORK_SHAPE}`, pings, (row) => find(FRAMEWORK_SHAPE, 'ping', row.concurrency));
    compare(
      `${pass.flowgate} ÷ ${pass.thin}`,
      measurements.filter((row) => row.target === pass.flowgate && (row.scenario === 'lookup' || row.scenario === 'reserve')),
      (row) => find(pass.thin, row.scenario, row.concurrency),
    );
  }

  const checks: TargetResult[] = [];
  const all = [...measurements, ...multiWorker];
  const failed = all.filter((row) => row.errors > 0 || row.requests === 0);
  checks.push({
    target: 'every reply answered, decrypted and held the expected data',
    measured:
      failed.length === 0
        ? `${all.reduce((sum, row) => sum + row.requests, 0)} requests, 0 errors`
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
  for (const ledger of reservations) {
    checks.push({
      target: `${ledger.server}: one reservation of 1 unit per SUCCESS, stock down by exactly that`,
      measured: `${ledger.completions} completions, ${ledger.reservations} reservations of ${ledger.reserved} units, stock down ${ledger.stockTaken}`,
      met: ledger.completions === ledger.reservations && ledger.reserved === ledger.completions && ledger.stockTaken === ledger.completions,
    });
  }

  const targets: TargetResult[] = [];
  /** A target, or why it could not be read in this run. */
  const missing: string[] = [];
  const postgres = passes.find((pass) => pass.database === 'postgres');
  const flowgate = postgres?.flowgate ?? passes[0]?.flowgate ?? 'flowgate';
  const thin = postgres?.thin;

  if (postgres && thin) {
    const lookup = find(flowgate, 'lookup', TOP);
    const thinLookup = find(thin, 'lookup', TOP);
    if (lookup && thinLookup) {
      targets.push({
        target: `lookup c=${TOP}: ≥ 0.80 of ${thin} req/s`,
        measured: `${round(lookup.rps / thinLookup.rps, 3)} (${lookup.rps} vs ${thinLookup.rps} req/s)`,
        met: lookup.rps >= 0.8 * thinLookup.rps,
      });
      targets.push({
        target: `lookup c=${TOP}: CPU/request ≤ 1.25 × ${thin}'s`,
        measured: cpuVersus(lookup, thinLookup),
        met: lookup.cpuMicrosPerRequest <= 1.25 * thinLookup.cpuMicrosPerRequest,
      });
    } else missing.push(`lookup c=${TOP} against ${thin}`);
    const reserve = find(flowgate, 'reserve', RESERVE_AT);
    const thinReserve = find(thin, 'reserve', RESERVE_AT);
    if (reserve && thinReserve) {
      targets.push({
        target: `reserve c=${RESERVE_AT}: CPU/request ≤ 1.5 × ${thin}'s reserve`,
        measured: cpuVersus(reserve, thinReserve),
        met: reserve.cpuMicrosPerRequest <= 1.5 * thinReserve.cpuMicrosPerRequest,
      });
    } else missing.push(`reserve c=${RESERVE_AT} against ${thin}`);
    const slots = find(flowgate, 'slots', TOP);
    // The lookups that took turns with the slot listings; the lookup scenario's own when there are none.
    const slotsLookup = find(flowgate, LOOKUP_BESIDE_SLOTS, TOP) ?? lookup;
    if (slots && slotsLookup) {
      targets.push({
        target: `slots c=${TOP}: CPU/request ≤ 1.5 × the lookup's`,
        measured: cpuVersus(slots, slotsLookup),
        met: slots.cpuMicrosPerRequest <= 1.5 * slotsLookup.cpuMicrosPerRequest,
      });
    } else missing.push(`slots c=${TOP} against the lookup`);
    const crowd = find(flowgate, 'crowd');
    if (crowd?.openLoop) {
      targets.push({
        target: `${crowd.openLoop.people} people in a flow at once (open loop, one process on one core): p90 ≤ ${CROWD_P90_MS} ms`,
        measured: `${crowd.latencyMs.p90} ms (p50 ${crowd.latencyMs.p50}, p99 ${crowd.latencyMs.p99}; over 1 s: ${crowd.openLoop.overOneSecondPercent} %)`,
        met: crowd.latencyMs.p90 <= CROWD_P90_MS,
      });
    } else missing.push('the 1,000 people p90');
  }

  if (!postgres) missing.push('the lookup, reserve, slots and 1,000-people targets (they are read on Postgres: set DATABASE_URL)');

  // Carried over: what Flowgate adds to a ping, against the framework floor (NestJS on Fastify with
  // one controller around the same crypto) and the thin baseline.
  const floor = find('framework floor', 'ping', TOP);
  const shape = find(FRAMEWORK_SHAPE, 'ping', TOP);
  const baselinePing = find('baseline', 'ping', TOP);
  const ping = find(flowgate, 'ping', TOP);
  if (ping && floor) {
    targets.push({
      target: `ping c=${TOP}: CPU/request ≤ 1.10 × the framework floor`,
      measured: `${cpuVersus(ping, floor)}${shape ? `; the floor with a guard and an interceptor alone: ${cpuVersus(shape, floor)}` : ''}`,
      met: ping.cpuMicrosPerRequest <= 1.1 * floor.cpuMicrosPerRequest,
    });
  } else missing.push(`ping c=${TOP} against the framework floor`);
  if (ping && baselinePing) {
    targets.push({
      target: `ping c=${TOP}: ≥ 0.85 of the thin baseline req/s`,
      measured: `${round(ping.rps / baselinePing.rps, 3)} (${ping.rps} vs ${baselinePing.rps} req/s; the framework floor: ${floor ? round(floor.rps / baselinePing.rps, 3) : '-'})`,
      met: ping.rps >= 0.85 * baselinePing.rps,
    });
  } else missing.push(`ping c=${TOP} against the thin baseline`);

  const lagRows = measurements.filter(
    (row) => row.target === flowgate && row.concurrency === TOP && row.eventLoopLagP99Ms !== undefined && row.scenario !== 'webhook',
  );
  if (lagRows.length) {
    const worst = lagRows.reduce((a, b) => (b.eventLoopLagP99Ms! > a.eventLoopLagP99Ms! ? b : a));
    targets.push({
      target: `event-loop lag p99 ≤ 5 ms at c=${TOP} (data endpoint scenarios)`,
      measured: `${worst.eventLoopLagP99Ms} ms (worst: ${worst.scenario}; the thin baseline: ${baselinePing?.eventLoopLagP99Ms ?? '-'} ms, ${thin ?? 'thin+postgres'} lookup: ${(thin && find(thin, 'lookup', TOP)?.eventLoopLagP99Ms) ?? '-'} ms)`,
      met: worst.eventLoopLagP99Ms! <= 5,
    });
  }
  // Workers compared with one process under the same placement (everything sharing both cores).
  for (const scenario of ['ping', 'lookup']) {
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
  const webhookRows = measurements.filter((row) => row.target === flowgate && row.scenario === 'webhook');
  if (webhookRows.length && webhookDatabase === 'postgres') {
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
      const flowgatePing = find(flowgate, 'ping', row.concurrency);
      if (!base || !flowgatePing) return [];
      return [
        `CPU/request at c=${row.concurrency}: thin baseline ${base.cpuMicrosPerRequest} µs, framework floor ${row.cpuMicrosPerRequest} µs ` +
          `(×${round(row.cpuMicrosPerRequest / base.cpuMicrosPerRequest, 3)}), Flowgate ping ${flowgatePing.cpuMicrosPerRequest} µs (×${round(flowgatePing.cpuMicrosPerRequest / base.cpuMicrosPerRequest, 3)})`,
      ];
    });
  const crowdLines = measurements
    .filter((row) => row.openLoop)
    .map((row) => {
      const { people, offeredRps, overOneSecondPercent, lateSends, steps } = row.openLoop!;
      const perStep = Object.entries(steps)
        .map(([step, latency]) => `${step} ${latency.p50}/${latency.p90}/${latency.p99}`)
        .join(', ');
      return (
        `${people} people, ${row.target}: p50/p90/p99 ${row.latencyMs.p50}/${row.latencyMs.p90}/${row.latencyMs.p99} ms, over 1 s ${overOneSecondPercent} %, ` +
        `${offeredRps} req/s offered at the busiest, ${lateSends} late sends, ${row.cpuMicrosPerRequest} µs CPU/request; per step p50/p90/p99 ms: ${perStep}`
      );
    });
  const noteLines = initNotes
    .filter((note) => note.initErrors > 0)
    .map(
      (note) =>
        `note: ${note.server} answered ${note.initErrors} of ${note.inits} INITs with an error message on INVENTORY (the inventory flow has no INIT handler in this build): its INIT did less than a real one`,
    );

  const ok = checks.every((check) => check.met);
  const line = (result: TargetResult) => `${result.met ? 'MET    ' : 'NOT MET'}  ${result.target}: ${result.measured}`;
  const summary = [
    ...checks.map((check) => `${check.met ? 'OK     ' : 'FAILED '}  ${check.target}: ${check.measured}`),
    ...(smoke ? [] : targets.map(line)),
    ...(smoke ? [] : missing.map((what) => `-- not evaluated (not measured in this run): ${what}`)),
    ...ratios.map(
      (r) =>
        `ratio ${r.pair}, ${r.scenario} c=${r.concurrency}: throughput ${r.throughput}, CPU/request ${r.cpuPerRequest}` +
        (r.cpuPerRequestByRound ? ` (round by round ${r.cpuPerRequestByRound.min}–${r.cpuPerRequestByRound.max})` : ''),
    ),
    ...crowdLines,
    ...floorLines,
    ...(flood ? [flood.summary] : []),
    ...noteLines,
  ];
  return { ok, checks, targets, ratios, summary };
}
