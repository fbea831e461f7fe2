import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jitMap, perfDataFile, perfMapFile, perfPartsPerRequest, perfSamples, perfScriptLines } from './perf-parts.js';
import { partsPerRequest, partsTable, readProfile, type CpuProfile, type LoadWindow, type PartsPerRequest } from './profile-parts.js';
import type { Measurement } from './report.js';
import { LOOKUP_BESIDE_SLOTS } from './targets.js';

/** A measured row of a profiled run: the server that answered it and when its rounds ran. */
export interface ProfiledRow {
  row: Measurement;
  pid: number;
  windows: LoadWindow[];
  /** With --perf: how long the map node writes for perf was when the row's last round ended (`perfMapBytes`). */
  perfMapBytes?: number;
}

/** A row's CPU per request by part of the request path, from its server's profile or perf recording. */
export interface RowParts extends PartsPerRequest {
  target: string;
  scenario: string;
  concurrency: number;
  /** The file read: a profile under bench/out/profiles, or a recording under bench/out/perf. */
  profile: string;
}

/** Microseconds on the clock V8's profiler stamps its samples with. */
export const profileClockMicros = () => Number(process.hrtime.bigint() / 1000n);

/** `node --cpu-prof` names a profile CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile. */
const pidOf = (name: string) => (name.startsWith('CPU.') ? Number(name.split('.')[3]) : undefined);

/**
 * Each row's parts, from the profile its server wrote when it stopped. Rows whose server wrote none
 * (a cluster's primary, which answers nothing), or none sampled in their windows, are left out.
 */
export function rowParts(dir: string, rows: ProfiledRow[]): RowParts[] {
  if (!existsSync(dir)) return [];
  const files = new Map(readdirSync(dir).map((name) => [pidOf(name), name]));
  const profiles = new Map<string, CpuProfile>();
  const found: RowParts[] = [];
  for (const { row, pid, windows } of rows) {
    const file = files.get(pid);
    if (!file) continue;
    if (!profiles.has(file)) profiles.set(file, readProfile(join(dir, file)));
    const parts = partsPerRequest(profiles.get(file)!, windows);
    if (parts.busy > 0) found.push({ target: row.target, scenario: row.scenario, concurrency: row.concurrency, profile: file, ...parts });
  }
  return found;
}

/** Each row's parts from its server's perf recording (`--perf`), read once per server; rows without one are left out. */
export async function rowPerfParts(dir: string, rows: ProfiledRow[]): Promise<RowParts[]> {
  const found = new Map<ProfiledRow, RowParts>();
  for (const pid of new Set(rows.map((row) => row.pid))) {
    const file = perfDataFile(dir, pid);
    if (!existsSync(file)) continue;
    const own = rows.filter((row) => row.pid === pid);
    // Each row's JavaScript named from node's map as it stood when that row's load ended.
    const map = existsSync(perfMapFile(pid)) ? readFileSync(perfMapFile(pid)) : undefined;
    const upTo = (bytes = Infinity) => map!.subarray(0, map!.lastIndexOf(10, Math.min(bytes, map!.length) - 1) + 1).toString('utf8');
    const maps = own.map((row) => (map ? jitMap(upTo(row.perfMapBytes)) : undefined));
    const parts = await perfPartsPerRequest(
      perfSamples(perfScriptLines(file)),
      pid,
      own.map((row) => row.windows),
      maps,
    );
    own.forEach((entry, index) => {
      const { row } = entry;
      if (parts[index].busy > 0)
        found.set(entry, { target: row.target, scenario: row.scenario, concurrency: row.concurrency, profile: `${pid}.data`, ...parts[index] });
    });
  }
  // In the order the rows were measured, as rowPartsTables expects.
  return rows.flatMap((row) => found.get(row) ?? []);
}

/** One table per scenario and concurrency, Flowgate's column first (it is measured last in each). */
export function rowPartsTables(rows: RowParts[], heading?: string): string {
  const groups = new Map<string, RowParts[]>();
  for (const row of rows) {
    const key = `${row.scenario === LOOKUP_BESIDE_SLOTS ? 'slots' : row.scenario} c=${row.concurrency}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups]
    .map(([key, group]) => {
      const title = (row: RowParts) => (row.scenario === LOOKUP_BESIDE_SLOTS ? 'lookups beside' : row.scenario === 'slots' ? 'slots' : row.target);
      const columns = [...group].reverse().map((row) => ({ title: title(row), parts: row }));
      return `${key}\n${partsTable(columns, heading)}`;
    })
    .join('\n\n');
}
