import { readFileSync } from 'node:fs';

/**
 * Where a server's CPU goes per request, from its V8 CPU profile (`--profile`): the profile's
 * samples taken while a measured load ran on that server, each given to a part of the request path.
 * A sample goes to the part of the innermost frame of its stack that names one (the HMAC inside the
 * guard is the HMAC's), so the parts add up to the main thread's busy time in those windows.
 */

/** A frame of a V8 CPU profile (`.cpuprofile`), as `node --cpu-prof` writes it. */
export interface ProfileFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: ProfileFrame; children?: number[] }>;
  /** µs on the monotonic clock `process.hrtime` reads. */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A measured load on one server: when it ran (µs, `process.hrtime`) and the requests it answered. */
export interface LoadWindow {
  from: number;
  to: number;
  requests: number;
}

const inNodeCore = (pattern: RegExp) => (frame: ProfileFrame) => frame.url.startsWith('node:') && pattern.test(frame.url);
const inPackages = (pattern: RegExp) => (frame: ProfileFrame) => pattern.test(frame.url) && frame.url.includes('/node_modules/');
const inFlowgate = (pattern: RegExp) => (frame: ProfileFrame) => pattern.test(frame.url) && frame.url.includes('/dist/src/');
const named = (pattern: RegExp) => (frame: ProfileFrame) => frame.url === '' && pattern.test(frame.functionName);

/**
 * The parts, first match wins at a frame. Order matters where two could name the same frame: the RSA
 * unwrap before the rest of Node's cipher code, and each part of Flowgate's code before the wider ones
 * after it (the flows core's rooms before the rest of the core, all of them before "other").
 */
export const PARTS: ReadonlyArray<readonly [string, (frame: ProfileFrame) => boolean]> = [
  // privateDecrypt, the one anonymous function of Node's cipher module on the path: the RSA-OAEP
  // unwrap every server pays alike.
  ['RSA unwrap', (frame) => frame.url === 'node:internal/crypto/cipher' && frame.functionName === ''],
  ['AES-GCM', inNodeCore(/^node:internal\/crypto\/cipher$/)],
  ['HMAC and hashes', (frame) => inNodeCore(/^node:internal\/crypto\/hash$/)(frame) || named(/^timingSafeEqual$/)(frame)],
  ['completion log line', (frame) => inFlowgate(/\/logging\/logging\.module\.js$/)(frame) || inPackages(/\/(pino|sonic-boom)\//)(frame)],
  ['metrics', (frame) => inFlowgate(/\/metrics\//)(frame) || inPackages(/\/prom-client\//)(frame)],
  ['request bodies (budget, reading)', (frame) => inFlowgate(/\/http\/(json-bodies|body-budget)\.js$/)(frame) || inPackages(/\/raw-body\//)(frame)],
  ['strict JSON', (frame) => inFlowgate(/\/http\/strict-json\.js$/)(frame) || inPackages(/\/secure-json-parse\//)(frame)],
  ['tracing', (frame) => inFlowgate(/\/tracing\//)(frame) || inPackages(/\/@opentelemetry\//)(frame)],
  ['other hooks (headers, admin, probe)', inFlowgate(/\/(http\/security-headers|app\.factory|admin\/|probe\/|http\/graceful-fastify-adapter)/)],
  ['signature guard', inFlowgate(/\/(hub-signature\/|flows-core\/http\/(flow-signature|tenant-flow)\.guard)/)],
  ['decrypt and seal (Flowgate code)', inFlowgate(/\/flows-core\/(crypto|http)\//)],
  ['replay records', inFlowgate(/\/flows-core\/replay\//)],
  ['sessions', inFlowgate(/\/flows-core\/sessions\/|\/database\//)],
  ['flow routing and reply checks', inFlowgate(/\/flows-core\/|\/flow-json\//)],
  ['flow handlers and their services', inFlowgate(/\/flows\/|\/cache\//)],
  ['other Flowgate code', inFlowgate(/./)],
  ['comparison server code', (frame) => frame.url.includes('/dist-bench/')],
  ['rxjs', inPackages(/\/rxjs\//)],
  ['validation (class-validator)', inPackages(/\/(class-validator|class-transformer)\//)],
  ['Nest', inPackages(/\/@nestjs\//)],
  ['Fastify', inPackages(/\/(fastify|@fastify|find-my-way|avvio|fast-json-stringify|light-my-request)\//)],
  ['database and cache drivers', inPackages(/\/(pg|pg-pool|pg-protocol|pg-types|typeorm|@redis|redis|@electric-sql)\//)],
  ['garbage collection', (frame) => frame.functionName === '(garbage collector)'],
  // Native frames (a socket's write, a file's) have no part of their own: they are their caller's,
  // so the log line's write is the log line's.
  ["Node's HTTP and sockets", inNodeCore(/^node:(_http_|net$|events$|internal\/(streams|stream_base_commons|http|net|url))/)],
  [
    'promises, ticks and async context',
    (frame) =>
      inNodeCore(/^node:(internal\/(process\/task_queues|async_hooks|async_context_frame|async_local_storage|timers)|timers$|async_hooks$)/)(frame) ||
      named(/^runMicrotasks$/)(frame),
  ],
];

export const OTHER_PART = 'other';

/** Every part a profile's frames can name, in PARTS's order, then OTHER_PART. */
export const PART_NAMES: readonly string[] = [...PARTS.map(([name]) => name), OTHER_PART];

/** The part `frame` names itself (the first of PARTS that matches it), if any. */
export const partNamedBy = (frame: ProfileFrame): string | undefined => PARTS.find(([, matches]) => matches(frame))?.[0];

/** Whether a sample taken at `at` (µs) falls in one of `windows` (it stands for the interval that ends at it). */
export const inWindows = (windows: LoadWindow[], at: number): boolean => windows.some((window) => at > window.from && at <= window.to);

/** µs of main-thread CPU per request, by part, over `windows`; `busy` is their sum. */
export interface PartsPerRequest {
  requests: number;
  busy: number;
  parts: Record<string, number>;
}

/** Attributes the profile's samples inside `windows` to `PARTS` (idle samples left out), per request. */
export function partsPerRequest(profile: CpuProfile, windows: LoadWindow[]): PartsPerRequest {
  const byId = new Map(profile.nodes.map((entry) => [entry.id, entry]));
  const parentOf = new Map<number, number>();
  for (const entry of profile.nodes) for (const child of entry.children ?? []) parentOf.set(child, entry.id);
  const partOfNode = new Map<number, string>();
  const partOf = (id: number): string => {
    let found = partOfNode.get(id);
    if (found !== undefined) return found;
    const frame = byId.get(id)!.callFrame;
    const own = partNamedBy(frame);
    const parent = parentOf.get(id);
    found = own ?? (parent === undefined ? OTHER_PART : partOf(parent));
    partOfNode.set(id, found);
    return found;
  };

  const totals = new Map<string, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    // A sample stands for the interval that ends at it.
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (!inWindows(windows, at)) continue;
    const id = profile.samples[i];
    if (byId.get(id)?.callFrame.functionName === '(idle)') continue;
    const part = partOf(id);
    totals.set(part, (totals.get(part) ?? 0) + delta);
  }
  return perRequest(totals, windows, PART_NAMES);
}

/** µs per request of each of `names` from its µs in all over `windows`; `busy` is their sum per request. */
export function perRequest(totals: Map<string, number>, windows: LoadWindow[], names: readonly string[]): PartsPerRequest {
  const requests = windows.reduce((sum, window) => sum + window.requests, 0);
  const parts: Record<string, number> = {};
  let busy = 0;
  for (const name of names) {
    const micros = totals.get(name) ?? 0;
    busy += micros;
    if (micros) parts[name] = requests ? micros / requests : 0;
  }
  return { requests, busy: requests ? busy / requests : 0, parts };
}

export const readProfile = (file: string): CpuProfile => JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

/**
 * Side by side, one column per profiled row, one line per part (µs per request, rounded), the
 * largest difference between the first column and the second first.
 */
export function partsTable(columns: Array<{ title: string; parts: PartsPerRequest }>, heading = 'µs per request (main thread)'): string {
  // The parts of PARTS in their order, then any other a column has (perf's threads, for one).
  const known = PART_NAMES;
  const extra = [...new Set(columns.flatMap((column) => Object.keys(column.parts.parts)))].filter((name) => !known.includes(name));
  const names = [...known, ...extra].filter((name) => columns.some((column) => column.parts.parts[name]));
  const value = (column: (typeof columns)[number], name: string) => column.parts.parts[name] ?? 0;
  if (columns.length > 1) names.sort((a, b) => value(columns[0], b) - value(columns[1], b) - (value(columns[0], a) - value(columns[1], a)));
  const width = Math.max(34, ...names.map((name) => name.length));
  const cellWidth = Math.max(14, ...columns.map((column) => column.title.length));
  const cell = (text: string) => text.padStart(cellWidth);
  const lines = [`${heading.padEnd(width)} ${columns.map((column) => cell(column.title)).join(' ')}`];
  for (const name of names) lines.push(`${name.padEnd(width)} ${columns.map((column) => cell(value(column, name).toFixed(1))).join(' ')}`);
  lines.push(`${'all of it'.padEnd(width)} ${columns.map((column) => cell(column.parts.busy.toFixed(1))).join(' ')}`);
  return lines.join('\n');
}
