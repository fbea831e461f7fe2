import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  inWindows,
  OTHER_PART,
  PART_NAMES,
  partNamedBy,
  perRequest,
  type LoadWindow,
  type PartsPerRequest,
  type ProfileFrame,
} from './profile-parts.js';

/**
 * Where a server's CPU goes per request, from Linux perf's samples of it (`--perf`): CPU time only,
 * taken from the kernel's clock. V8's profiler (`--profile`) samples the main thread wherever it
 * stands, so a moment it waits for its core (Postgres or Redis woken on it) counts for the code it
 * stopped in; perf samples a thread only while it runs, every thread of the process, kernel included.
 * A sample goes to the part of the innermost JavaScript frame that names one (the parts of
 * `--profile`), so the kernel's work for a socket write is its caller's.
 */

/** Parts perf sees that a V8 profile does not: the process's other threads, and the main thread outside JavaScript. */
export const PERF_PARTS = {
  helpers: "V8's helper threads (compiler, GC)",
  threadPool: 'libuv thread pool (file writes)',
  native: 'event loop and native code outside JavaScript',
} as const;

/** One sample of `perf script -F comm,tid,time,ip,sym`: its thread, time (µs, CLOCK_MONOTONIC) and stack, innermost frame first. */
export interface PerfSample {
  comm: string;
  tid: number;
  micros: number;
  symbols: string[];
  /** Each frame's address as perf printed it (absolute for JIT code; an offset in its file for native code). */
  addresses: number[];
}

/** A frame V8 named for perf (`--perf-basic-prof`): `JS:<tier><name> <url>:<line>:<column>`. */
export function jsFrame(symbol: string): ProfileFrame | undefined {
  const match = /^JS:[*~^+]?(\S*) (.+):(\d+):\d+$/.exec(symbol);
  return match ? { functionName: match[1], url: match[2], lineNumber: Number(match[3]) } : undefined;
}

/**
 * OpenSSL's own frames name the crypto whatever JavaScript called it: an optimized function may have
 * the call into Node's cipher module inlined, and then perf sees only the function around it.
 */
const CRYPTO: ReadonlyArray<readonly [string, RegExp]> = [
  ['RSA unwrap', /^(rsa_|RSA_|bn_|BN_|ossl_rsaz|ossl_bn_|EVP_PKEY_decrypt)/],
  ['AES-GCM', /^(aesni_|aes_|ossl_aes|ossl_gcm|gcm_|EVP_(Cipher|Encrypt|Decrypt))/],
  ['HMAC and hashes', /^(sha256_|sha512_|SHA256|SHA512|HMAC|ossl_sha|EVP_Digest)/],
];

// The main thread waiting for events: not CPU the load used (perf samples it as it goes to sleep).
const IDLE = /^(epoll_pwait|do_epoll_wait|__x64_sys_epoll_pwait)$/;
const GC = /Heap|Scaveng|MarkCompact|Sweeper|ConcurrentMarking|GCTracer/;
const SOCKETS = /^(llhttp|uv__read|uv__write|uv__stream_io|uv__try_write)|http_parser|LibuvStreamWrap|StreamBase/;

/** The part a sample of process `pid` goes to, or undefined when the thread was idle. */
export function partOfSample(sample: Pick<PerfSample, 'comm' | 'tid' | 'symbols'>, pid: number): string | undefined {
  if (sample.tid !== pid) return sample.comm.startsWith('V8') ? PERF_PARTS.helpers : PERF_PARTS.threadPool;
  if (sample.symbols.some((symbol) => IDLE.test(symbol))) return undefined;
  // OpenSSL's assembly keeps no frame pointer, so a stack through it may end there, short of any JavaScript.
  const firstJs = sample.symbols.findIndex((symbol) => symbol.startsWith('JS:'));
  const native = firstJs < 0 ? sample.symbols : sample.symbols.slice(0, firstJs);
  const crypto = CRYPTO.find(([, pattern]) => native.some((symbol) => pattern.test(symbol)));
  if (crypto) return crypto[0];
  let sawJs = false;
  for (const symbol of sample.symbols) {
    const frame = jsFrame(symbol);
    if (!frame) continue;
    sawJs = true;
    const part = partNamedBy(frame);
    if (part) return part;
  }
  if (sawJs) return OTHER_PART;
  if (sample.symbols.some((symbol) => GC.test(symbol))) return 'garbage collection';
  // Reading sockets and parsing HTTP before any JavaScript runs: the part the JavaScript side of it is in.
  return sample.symbols.some((symbol) => SOCKETS.test(symbol)) ? "Node's HTTP and sockets" : PERF_PARTS.native;
}

/** Reads `perf script -F comm,tid,time,ip,sym` output: a header line per sample, its frames, a blank line. */
export async function* perfSamples(lines: AsyncIterable<string>): AsyncGenerator<PerfSample> {
  let current: PerfSample | undefined;
  for await (const line of lines) {
    const header = /^(\S.*?)\s+(\d+)\s+(\d+)\.(\d{6}):/.exec(line);
    if (header) {
      if (current) yield current;
      current = { comm: header[1], tid: Number(header[2]), micros: Number(header[3]) * 1e6 + Number(header[4]), symbols: [], addresses: [] };
    } else if (current && line.trim()) {
      const [address, ...symbol] = line.trim().split(/\s+/);
      current.addresses.push(parseInt(address, 16));
      current.symbols.push(symbol.join(' '));
    }
  }
  if (current) yield current;
}

/** Samples a second per thread (`perf record -F`): each sample stands for 1/PERF_FREQUENCY s of CPU. */
export const PERF_FREQUENCY = 999;

/**
 * µs of CPU per request by part, one result per entry of `rows` (the windows of one server, process
 * `pid`), from that server's perf samples. Every thread counts; idle moments of the main thread do not.
 */
export async function perfPartsPerRequest(
  samples: AsyncIterable<PerfSample>,
  pid: number,
  rows: LoadWindow[][],
  maps: Array<JitMap | undefined> = [],
): Promise<PartsPerRequest[]> {
  const counts = rows.map(() => new Map<string, number>());
  for await (const sample of samples) {
    const row = rows.findIndex((windows) => inWindows(windows, sample.micros));
    if (row < 0) continue;
    const part = partOfSample(maps[row] ? resolved(sample, maps[row]) : sample, pid);
    if (part) counts[row].set(part, (counts[row].get(part) ?? 0) + 1);
  }
  const sampleMicros = 1e6 / PERF_FREQUENCY;
  const names = [...PART_NAMES, ...Object.values(PERF_PARTS)];
  return rows.map((windows, index) => {
    const totals = new Map([...counts[index]].map(([part, count]) => [part, count * sampleMicros]));
    return perRequest(totals, windows, names);
  });
}

/** JavaScript functions by address, as they stood at one moment: starts ascending, ranges disjoint. */
export interface JitMap {
  starts: number[];
  ends: number[];
  names: string[];
}

/**
 * The functions of node's perf map (`/tmp/perf-<pid>.map`: address, size, name, a line per function
 * compiled, in the order they were) with only the latest at each address. V8 reuses the addresses of
 * code it collects, and perf names an address after whichever entry it keeps, whatever the time: read
 * up to where the map stood when a row's load ended, the latest entry is the code that ran there.
 */
export function jitMap(map: string): JitMap {
  const entries = map
    .split('\n')
    .map((line) => /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ start: parseInt(match[1], 16), end: parseInt(match[1], 16) + parseInt(match[2], 16), name: match[3] }));
  // From the newest: an entry is kept when nothing newer overlaps it (`kept` stays sorted by start).
  const kept: typeof entries = [];
  const keptStarts: number[] = [];
  for (const entry of entries.reverse()) {
    const at = firstStartingFrom(keptStarts, entry.start);
    const overlaps = (at > 0 && kept[at - 1].end > entry.start) || (at < kept.length && kept[at].start < entry.end);
    if (overlaps) continue;
    kept.splice(at, 0, entry);
    keptStarts.splice(at, 0, entry.start);
  }
  return { starts: kept.map((entry) => entry.start), ends: kept.map((entry) => entry.end), names: kept.map((entry) => entry.name) };
}

/** The index of the first of `sorted` that is ≥ `value`. */
function firstStartingFrom(sorted: number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The function of `map` at `address`, if any. */
export function functionAt(map: JitMap, address: number): string | undefined {
  const at = firstStartingFrom(map.starts, address + 1) - 1;
  return at >= 0 && address < map.ends[at] ? map.names[at] : undefined;
}

/**
 * `sample` with its JavaScript frames (those perf named from the map, or could not name) named from
 * `map`; one the map does not have ran code compiled after it, so perf's name for it is no better.
 */
function resolved(sample: PerfSample, map: JitMap): PerfSample {
  const symbols = sample.symbols.map((symbol, index) =>
    symbol.startsWith('JS:') || symbol === '[unknown]' ? (functionAt(map, sample.addresses[index]) ?? '[unknown]') : symbol,
  );
  return { ...sample, symbols };
}

/** The map node writes for perf about process `pid` (a path of its own choosing). */
export const perfMapFile = (pid: number) => `/tmp/perf-${pid}.map`;

/** How long `pid`'s perf map is now: the functions compiled so far (node writes each line as it compiles). */
export const perfMapBytes = (pid: number): number | undefined => (existsSync(perfMapFile(pid)) ? statSync(perfMapFile(pid)).size : undefined);

/** Where `--perf` records a server: `<pid>.data` (the pid is what each measured row knows its server by). */
export const perfDataFile = (dir: string, pid: number) => join(dir, `${pid}.data`);

/** Streams `perf script` of a recording (the JavaScript frames named from the map file the process left). */
export function perfScriptLines(dataFile: string): AsyncIterable<string> {
  const child = spawn('perf', ['script', '-i', dataFile, '-F', 'comm,tid,time,ip,sym', '--no-demangle'], { stdio: ['ignore', 'pipe', 'ignore'] });
  return createInterface({ input: child.stdout!, crlfDelay: Infinity });
}
