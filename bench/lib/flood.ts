import { Worker } from 'node:worker_threads';
import { createHmac } from 'node:crypto';
import { round, runLoad, type BenchRequest, type LoadResult, type RequestPool } from './load.js';
import { cpuPerRequest, serverCpuMicros } from './process-cpu.js';
import type { Measurement } from './report.js';

/** JSON of `bytes` made of tiny keys: the most parsing work per byte an attacker can ask for. */
function manyKeys(bytes: number): Buffer {
  const parts: string[] = [];
  let length = 2;
  for (let i = 0; length < bytes - 16; i++) {
    const part = `"k${i}":${i}`;
    parts.push(part);
    length += part.length + 1;
  }
  return Buffer.from(`{${parts.join(',')}}`);
}

/**
 * What an attacker without the app secret can send: large bodies, unsigned (no header: refused
 * from the headers) or mis-signed (a well-formed signature made with another secret: read, hashed,
 * refused), to the webhook (3.4 MB, under its 3.5 MiB limit) and to the data endpoint (250 KB, under
 * FLOW_BODY_LIMIT). None may be parsed; each must get 401 or 432.
 */
export function floodRequests(kind: 'unsigned' | 'mis-signed'): BenchRequest[] {
  const webhook = manyKeys(3_400_000);
  const flow = manyKeys(250_000);
  // Signed here (not through Flowgate's signBody): this runs in a worker thread that should start at once.
  const signature = (body: Buffer): Record<string, string> =>
    kind === 'unsigned' ? {} : { 'x-hub-signature-256': `sha256=${createHmac('sha256', 'not-the-app-secret').update(body).digest('hex')}` };
  const refused = (path: string, body: Buffer, status: number): BenchRequest => ({
    path,
    headers: { 'content-type': 'application/json', ...signature(body) },
    body,
    check: (answered) => (answered === status ? undefined : `${path}: status ${answered}, expected ${status}`),
    // Refused from its headers, an unsigned upload has its connection closed while still sending.
    closedEarlyIsAnswer: kind === 'unsigned',
  });
  return [refused('/webhooks/whatsapp', webhook, 401), refused('/flows/inventory', flow, 432)];
}

export interface FloodResult {
  rows: Measurement[];
  /** Server CPU per refused request of each kind, once the signed pings' share is taken off. */
  cpuMicrosPerRefused: { unsigned: number; misSigned: number };
  summary: string;
}

/**
 * Signed pings alone, then the same pings while `floodConcurrency` connections keep posting
 * unsigned bodies, then mis-signed ones: the server's CPU per refused request (its CPU during the
 * flood less what the pings cost alone), and the pings' latency beside each other, in the same run.
 */
export async function unsignedFlood(options: {
  url: string;
  pid: number;
  pings: RequestPool;
  seconds: number;
  pingConcurrency: number;
  floodConcurrency: number;
}): Promise<FloodResult> {
  const { url, pid, pings, seconds, pingConcurrency, floodConcurrency } = options;
  const row = (scenario: string, load: LoadResult, cpuMicrosPerRequest: number): Measurement => ({
    target: 'flowgate flood',
    scenario,
    ...load,
    cpuMicrosPerRequest,
  });

  let cpu = serverCpuMicros(pid);
  const alone = await runLoad(url, pings, pingConcurrency, seconds);
  const pingCpu = alone.requests ? (serverCpuMicros(pid) - cpu) / alone.requests : 0;

  const flood = async (kind: 'unsigned' | 'mis-signed') => {
    cpu = serverCpuMicros(pid);
    // The flood comes from a thread of its own, so writing its bodies never delays the pings' event loop.
    const worker = new Worker(new URL('./flood-worker.js', import.meta.url), { workerData: { url, kind, concurrency: floodConcurrency, seconds } });
    const flooded = new Promise<LoadResult>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const [during, refused] = await Promise.all([runLoad(url, pings, pingConcurrency, seconds), flooded]);
    await worker.terminate();
    const floodCpu = serverCpuMicros(pid) - cpu - pingCpu * during.requests;
    return { during, refused, cpuEach: cpuPerRequest(Math.max(0, floodCpu), refused.requests) };
  };
  const unsigned = await flood('unsigned');
  const misSigned = await flood('mis-signed');

  const rows = [
    row('ping, alone', alone, round(pingCpu, 0)),
    row('ping, unsigned flood', unsigned.during, round(pingCpu, 0)),
    row('unsigned, refused', unsigned.refused, unsigned.cpuEach),
    row('ping, mis-signed flood', misSigned.during, round(pingCpu, 0)),
    row('mis-signed, refused', misSigned.refused, misSigned.cpuEach),
  ];
  const summary =
    `unsigned flood (c=${floodConcurrency}, 3.4 MB webhook and 250 KB data endpoint bodies, half each): ` +
    `unsigned refused ${unsigned.refused.rps}/s at ${unsigned.cpuEach} µs server CPU each, mis-signed refused ${misSigned.refused.rps}/s at ${misSigned.cpuEach} µs each; ` +
    `signed pings (c=${pingConcurrency}) p50/p99 ${alone.latencyMs.p50}/${alone.latencyMs.p99} ms alone, ` +
    `${unsigned.during.latencyMs.p50}/${unsigned.during.latencyMs.p99} ms in the unsigned flood, ${misSigned.during.latencyMs.p50}/${misSigned.during.latencyMs.p99} ms in the mis-signed flood`;
  return { rows, cpuMicrosPerRefused: { unsigned: unsigned.cpuEach, misSigned: misSigned.cpuEach }, summary };
}
