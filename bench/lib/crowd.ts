import { Agent } from 'node:http';
import { ErrorTally, percentiles, round, sendAndCheck, type BenchRequest, type LoadResult } from './load.js';

export interface CrowdOptions {
  /** How many people (flow tokens) walk the flow. */
  people: number;
  /** Requests per second the whole crowd sends once everyone's arrivals overlap. */
  rate: number;
  /** Seconds a person waits between seeing a screen and the next tap (uniformly drawn). */
  thinkSeconds: [number, number];
}

/** One person's walk: the requests in order (INIT, lookup, reserve), each sent after the previous answer and a pause. */
export type Walk = Array<{ step: string; request: BenchRequest }>;

export interface CrowdResult extends LoadResult {
  /** The crowd's shape and the share of answers over 1 s (Meta alerts when p90 passes it). */
  openLoop: {
    people: number;
    /** The planned rate (requests per second, all steps) and what was sent over the busiest stretch. */
    offeredRps: number;
    /** Share of answers that took more than 1 s, in %. */
    overOneSecondPercent: number;
    /** Steps sent later than planned because the previous answer had not come back in time. */
    lateSends: number;
    /** p50/p90/p99 per step. */
    steps: Record<string, LoadResult['latencyMs'] & { requests: number }>;
  };
}

/**
 * The open-loop load: people arrive at random (a Poisson process) over the time it takes to send
 * `people × steps` requests at `rate`, then each walks its steps with a random pause between them.
 * A request goes out at its planned time whatever the server is doing with the others (it is not
 * sent when another answer comes back, as in the closed-loop scenarios); only a person's own next
 * step waits for their previous answer, as on a phone (counted as a late send when that delays it).
 * Latency is measured from the moment each request is sent.
 */
export async function runCrowd(baseUrl: string, walks: Walk[], options: CrowdOptions): Promise<CrowdResult> {
  const url = new URL(baseUrl);
  // Meta's servers open as many connections as they need: a slow server is not shielded by a small pool.
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const errors = new ErrorTally();
  const latencies: number[] = [];
  const byStep = new Map<string, number[]>();
  let lateSends = 0;
  const stepsEach = walks[0]?.length ?? 0;
  const windowMs = ((walks.length * stepsEach) / options.rate) * 1000;
  const [thinkMin, thinkMax] = options.thinkSeconds;
  const think = () => (thinkMin + Math.random() * (thinkMax - thinkMin)) * 1000;
  const sleepUntil = (at: number) => new Promise<void>((done) => setTimeout(done, Math.max(0, at - performance.now())));

  const started = performance.now();
  const sentAt: number[] = [];
  const walkers = walks.map((walk) => {
    // Uniform over the window, independently: a Poisson process with exactly `people` arrivals.
    const start = started + Math.random() * windowMs;
    return (async () => {
      let planned = start;
      for (const [index, { step, request }] of walk.entries()) {
        if (index > 0) planned += think();
        if (performance.now() > planned + 5) lateSends++;
        await sleepUntil(planned);
        sentAt.push(performance.now());
        const latency = await sendAndCheck(agent, url, request, errors);
        latencies.push(latency);
        let ofStep = byStep.get(step);
        if (!ofStep) byStep.set(step, (ofStep = []));
        ofStep.push(latency);
      }
    })();
  });
  await Promise.all(walkers);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();

  // The offered rate over the middle of the run, where arrivals and walks overlap (the first and last
  // fifth ramp up and down).
  sentAt.sort((a, b) => a - b);
  const from = sentAt[Math.floor(sentAt.length * 0.2)] ?? started;
  const to = sentAt[Math.floor(sentAt.length * 0.8)] ?? started;
  const middle = Math.floor(sentAt.length * 0.8) - Math.floor(sentAt.length * 0.2);
  const offeredRps = to > from ? round(middle / ((to - from) / 1000), 1) : 0;

  const overOneSecond = latencies.filter((latency) => latency > 1000).length;
  const steps = Object.fromEntries([...byStep].map(([step, values]) => [step, { requests: values.length, ...percentiles(values) }]));
  return {
    concurrency: 0,
    seconds: round(elapsed, 2),
    requests: latencies.length,
    errors: errors.count,
    errorSamples: errors.samples,
    rps: round(latencies.length / elapsed, 1),
    latencyMs: percentiles(latencies),
    openLoop: {
      people: walks.length,
      offeredRps,
      overOneSecondPercent: latencies.length ? round((overOneSecond / latencies.length) * 100, 2) : 0,
      lateSends,
      steps,
    },
  };
}
