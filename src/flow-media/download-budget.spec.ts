import { describe, expect, it } from '@jest/globals';
import { DownloadBudget } from './download-budget.js';
import type { MediaConfig } from './media.config.js';

const MiB = 1024 * 1024;
const budget = (limits: Partial<MediaConfig> = {}) =>
  new DownloadBudget({
    downloadsInFlight: 3,
    bytesInFlight: 10 * MiB,
    concurrency: 2,
    tokenRefusedBytes: 4 * MiB,
    timeoutMs: 5_000,
    ...limits,
  } as MediaConfig);
/** Whether `promise` has settled once pending callbacks ran. */
const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('the download budget: downloads and bytes in flight across sessions, per-session limits', () => {
  it('holds a download back while the process has its count of downloads in flight, then serves waiters in order', async () => {
    const limits = budget();
    const releases = await Promise.all(['a', 'b', 'c'].map((owner) => limits.acquire(owner, MiB, 'x.png')));
    const fourth = limits.acquire('d', MiB, 'x.png');
    expect(await settled(fourth)).toBe(false);
    expect(limits.inFlight).toEqual({ downloads: 3, bytes: 3 * MiB, waiting: 1 });
    releases[0]();
    expect(await settled(fourth)).toBe(true);
    (await fourth)();
    releases.slice(1).forEach((release) => release());
    expect(limits.inFlight).toEqual({ downloads: 0, bytes: 0, waiting: 0 });
  });

  it('reserves each download its cap against the bytes in flight', async () => {
    const limits = budget();
    const big = await limits.acquire('a', 8 * MiB, 'big.pdf');
    const next = limits.acquire('b', 4 * MiB, 'next.pdf');
    expect(await settled(next)).toBe(false);
    big();
    (await next)();
  });

  it('lets one session run FLOW_MEDIA_CONCURRENCY downloads; another session passes it meanwhile', async () => {
    const limits = budget();
    const [one, two] = await Promise.all([limits.acquire('a', MiB, '1'), limits.acquire('a', MiB, '2')]);
    const third = limits.acquire('a', MiB, '3');
    const other = limits.acquire('b', MiB, 'other');
    expect(await settled(third)).toBe(false);
    expect(await settled(other)).toBe(true);
    one();
    expect(await settled(third)).toBe(true);
    for (const release of [two, await third, await other]) release();
  });

  it('pauses a session whose refused files passed FLOW_MEDIA_TOKEN_REFUSED_BYTES, its waiters included; others go on', async () => {
    const limits = budget({ concurrency: 1 });
    const running = await limits.acquire('a', MiB, '1');
    const waiting = limits.acquire('a', MiB, '2');
    limits.chargeRefused('a', 4 * MiB);
    await expect(waiting).rejects.toThrow('could not be fetched right now');
    await expect(limits.acquire('a', MiB, '3')).rejects.toThrow('could not be fetched right now');
    running();
    (await limits.acquire('b', MiB, 'b'))();
  });

  it('a cancelled waiter leaves the queue', async () => {
    const limits = budget({ downloadsInFlight: 1 });
    const running = await limits.acquire('a', MiB, '1');
    const abort = new AbortController();
    const waiting = limits.acquire('b', MiB, '2', abort.signal);
    abort.abort();
    await expect(waiting).rejects.toThrow('could not be fetched right now');
    expect(limits.inFlight.waiting).toBe(0);
    running();
  });
});
