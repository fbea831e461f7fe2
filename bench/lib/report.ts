import type { CrowdResult } from './crowd.js';
import type { LoadResult } from './load.js';

/** One measured load: a target, a scenario, a concurrency. */
export interface Measurement extends LoadResult {
  target: string;
  scenario: string;
  /** Server CPU time (user + system, all its processes) per answered request. */
  cpuMicrosPerRequest: number;
  /**
   * The same, round by round, in the order the rounds ran, when the servers compared took turns
   * (see `--rounds`): round i of one server ran right beside round i of the other.
   */
  cpuMicrosPerRequestByRound?: number[];
  /** Flowgate's event-loop delay p99 during the run (from its own /metrics), when known. */
  eventLoopLagP99Ms?: number;
  /** An open-loop load (the crowd): no fixed concurrency; its shape and the share over 1 s. */
  openLoop?: CrowdResult['openLoop'];
}

/** The concurrency column: an open-loop load has none (requests go out on a schedule). */
const concurrencyOf = (row: Measurement) => (row.openLoop ? 'open' : row.concurrency);

const pad = (value: unknown, width: number) => String(value ?? '-').padStart(width);

/** A fixed-width table of measurements. */
export function table(rows: Measurement[]): string {
  const header = ['target', 'scenario', 'conc', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors', 'cpu µs/req', 'loop p99 ms'];
  const widths = [26, 19, 5, 9, 8, 8, 8, 8, 7, 11, 12];
  const line = (cells: unknown[]) => cells.map((cell, i) => (i < 2 ? String(cell).padEnd(widths[i]) : pad(cell, widths[i]))).join(' ');
  return [
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map((row) =>
      line([
        row.target,
        row.scenario,
        concurrencyOf(row),
        row.rps,
        row.latencyMs.p50,
        row.latencyMs.p90,
        row.latencyMs.p99,
        row.latencyMs.max,
        row.errors,
        row.cpuMicrosPerRequest,
        row.eventLoopLagP99Ms,
      ]),
    ),
  ].join('\n');
}

/** The same measurements as a Markdown table (for bench/RESULTS.md). */
export function markdownTable(rows: Measurement[]): string {
  const header = '| target | scenario | conc | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | CPU µs/req | loop lag p99 ms |';
  const lines = rows.map(
    (row) =>
      `| ${row.target} | ${row.scenario} | ${concurrencyOf(row)} | ${row.rps} | ${row.latencyMs.p50} | ${row.latencyMs.p90} | ${row.latencyMs.p99} | ${row.latencyMs.max} | ${row.errors} | ${row.cpuMicrosPerRequest} | ${row.eventLoopLagP99Ms ?? '-'} |`,
  );
  return [header, `|${'---|'.repeat(11)}`, ...lines].join('\n');
}
