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

/**
 * Keeps `concurrency` requests from `pool` in flight over keep-alive connections for `seconds`
 * and checks every answer.
 */
export async function runLoad(baseUrl: string, pool: RequestPool, concurrency: number, seconds: number): Promise<LoadResult> {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;

  const one = (item: BenchRequest) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
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

  const fail = (message: string) => {
    errors++;
    if (errorSamples.length < 5) errorSamples.push(message);
  };

  const worker = async () => {
    while (performance.now() < deadline) {
      const item = pool.next();
      if (!item) break;
      const sent = performance.now();
      try {
        const { status, body } = await one(item);
        latencies.push(performance.now() - sent);
        const problem = item.check(status, body);
        if (problem) fail(problem);
      } catch (error) {
        latencies.push(performance.now() - sent);
        const code = (error as NodeJS.ErrnoException).code;
        if (!(item.closedEarlyIsAnswer && (code === 'EPIPE' || code === 'ECONNRESET'))) fail(`transport: ${(error as Error).message}`);
      }
    }
  };

  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0, 2);
  return {
    concurrency,
    seconds: round(elapsed, 2),
    requests: latencies.length,
    errors,
    errorSamples,
    rps: round(latencies.length / elapsed, 1),
    latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: round(latencies.at(-1) ?? 0, 2) },
  };
}

export const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
