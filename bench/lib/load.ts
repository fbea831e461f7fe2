import { Agent, request } from 'node:http';

/** One request ready to go: exact bytes and headers, and how to check its answer. */
export interface BenchRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Returns an error message when the answer is wrong (status, decryption or content), else undefined. */
  check(status: number, body: string): string | undefined;
  /**
   * Transport errors that are the expected answer (a refused upload whose connection the server
   * closed while the body was still being written: EPIPE, ECONNRESET).
   */
  closedEarlyIsAnswer?: boolean;
}

/** Where a load takes its requests from. */
export interface RequestPool {
  /** The next request, or undefined when a one-shot pool is used up. */
  next(): BenchRequest | undefined;
}

/** Goes round `requests` forever (each is still a distinct encryption; replies are checked against their own key). */
export const cyclingPool = (requests: BenchRequest[]): RequestPool => {
  let index = 0;
  return { next: () => requests[index++ % requests.length] };
};

/** Hands out each request once (webhooks: every post must be a new message to be stored). */
export const oneShotPool = (requests: BenchRequest[]): RequestPool => {
  let index = 0;
  return { next: () => requests[index++] };
};

export interface LoadResult {
  concurrency: number;
  seconds: number;
  requests: number;
  /** Answers that were not the expected status, did not decrypt, or did not hold the expected data. */
  errors: number;
  /** The first few error messages, to say what went wrong. */
  errorSamples: string[];
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

/** What one load measured, before it is summarised (rounds of one measurement are combined from these). */
export interface RawLoad {
  concurrency: number;
  /** Seconds the load ran. */
  elapsed: number;
  /** Latency of every answered request, in ms. */
  latencies: number[];
  errors: number;
  errorSamples: string[];
}

/** Counts errors and keeps the first few messages. */
export class ErrorTally {
  count = 0;
  readonly samples: string[] = [];
  add(message: string): void {
    this.count++;
    if (this.samples.length < 5) this.samples.push(message);
  }
}

/** Sends one request over `agent` and reads the whole answer. */
export function sendRequest(agent: Agent, url: URL, item: BenchRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: item.path,
        headers: { ...item.headers, 'content-length': String(item.body.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(item.body);
  });
}

/** Sends `item` and checks its answer; the error (a wrong answer or a transport failure) goes to `errors`. Resolves with the latency in ms. */
export async function sendAndCheck(agent: Agent, url: URL, item: BenchRequest, errors: ErrorTally): Promise<number> {
  const sent = performance.now();
  try {
    const { status, body } = await sendRequest(agent, url, item);
    const latency = performance.now() - sent;
    const problem = item.check(status, body);
    if (problem) errors.add(problem);
    return latency;
  } catch (error) {
    const latency = performance.now() - sent;
    const code = (error as NodeJS.ErrnoException).code;
    if (!(item.closedEarlyIsAnswer && (code === 'EPIPE' || code === 'ECONNRESET'))) errors.add(`transport: ${(error as Error).message}`);
    return latency;
  }
}

/**
 * Keeps `concurrency` requests from `pool` in flight over keep-alive connections for `seconds`
 * (or until a one-shot pool is used up) and checks every answer.
 */
export async function runLoadRaw(baseUrl: string, pool: RequestPool, concurrency: number, seconds: number): Promise<RawLoad> {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const errors = new ErrorTally();
  const started = performance.now();
  const deadline = started + seconds * 1000;

  const worker = async () => {
    while (performance.now() < deadline) {
      const item = pool.next();
      if (!item) break;
      latencies.push(await sendAndCheck(agent, url, item, errors));
    }
  };

  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { concurrency, elapsed, latencies, errors: errors.count, errorSamples: errors.samples };
}

/**
 * Warm-up loads come in this many parts, each on connections of its own: before anything is measured,
 * a server has run its connections' whole life (opened, used, closed) several times. V8 compiles the
 * request path for what it has seen so far; the first connections closing (the end of the first
 * load) deoptimize the stream code that closing shares with reading requests, and the reads that
 * frame each measured round (Flowgate's GET /metrics) the request path they share with the load; it
 * is all compiled again during the next load. Measured right after one load, a server pays that
 * compilation in its first rounds, the more so the more code it has.
 */
export const WARM_UP_PARTS = 4;

/** Runs `part` WARM_UP_PARTS times, one after the other, for an equal share of `seconds` each. */
export async function inWarmUpParts(seconds: number, part: (seconds: number) => Promise<unknown>): Promise<void> {
  for (let index = 0; index < WARM_UP_PARTS; index++) await part(seconds / WARM_UP_PARTS);
}

/**
 * Loads the server for `seconds` in WARM_UP_PARTS parts, each on new connections, and calls
 * `between` after each (the reads a measured round is framed by); nothing is kept.
 */
export async function warmUp(
  baseUrl: string,
  pool: RequestPool,
  concurrency: number,
  seconds: number,
  between?: () => Promise<unknown>,
): Promise<void> {
  await inWarmUpParts(seconds, async (partSeconds) => {
    await runLoadRaw(baseUrl, pool, concurrency, partSeconds);
    await between?.();
  });
}

/** Percentiles of latencies in ms (sorts them in place). */
export function percentiles(latencies: number[]): LoadResult['latencyMs'] {
  latencies.sort((a, b) => a - b);
  const at = (q: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0, 2);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: round(latencies.at(-1) ?? 0, 2) };
}

/** One LoadResult from one load, or from rounds of the same load (their times and requests added up). */
export function summarise(loads: RawLoad[]): LoadResult {
  const latencies = loads.flatMap((load) => load.latencies);
  const elapsed = loads.reduce((sum, load) => sum + load.elapsed, 0);
  return {
    concurrency: loads[0]?.concurrency ?? 0,
    seconds: round(elapsed, 2),
    requests: latencies.length,
    errors: loads.reduce((sum, load) => sum + load.errors, 0),
    errorSamples: loads.flatMap((load) => load.errorSamples).slice(0, 5),
    rps: elapsed > 0 ? round(latencies.length / elapsed, 1) : 0,
    latencyMs: percentiles(latencies),
  };
}

/** runLoadRaw, summarised. */
export async function runLoad(baseUrl: string, pool: RequestPool, concurrency: number, seconds: number): Promise<LoadResult> {
  return summarise([await runLoadRaw(baseUrl, pool, concurrency, seconds)]);
}

export const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
