import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { mediaConfig } from './media.config.js';
import { refusal } from './media-errors.js';

/** How long a flow token's refused bytes count against it. */
const REFUSED_WINDOW_MS = 60 * 60 * 1000;
/** Flow tokens remembered for their refused bytes, at most (the oldest are forgotten first). */
const MAX_TOKENS = 10_000;

interface Waiter {
  owner: string;
  bytes: number;
  grant: () => void;
  /** The token passed its refused bytes while this waited. */
  deny: () => void;
}

/**
 * What this process downloads at once, across requests and the background worker: at most
 * FLOW_MEDIA_DOWNLOADS_IN_FLIGHT downloads and FLOW_MEDIA_BYTES_IN_FLIGHT bytes (each download reserves
 * its cap), and per flow token at most FLOW_MEDIA_CONCURRENCY downloads. A token whose refused
 * downloads (damaged, forged, too large, wrong type) passed FLOW_MEDIA_TOKEN_REFUSED_BYTES in the last
 * hour gets no more downloads until they age out. Waiters are served in order.
 */
@Injectable()
export class DownloadBudget {
  private downloads = 0;
  private bytes = 0;
  private readonly perOwner = new Map<string, number>();
  private readonly waiting: Waiter[] = [];
  private readonly refused = new Map<string, Array<{ at: number; bytes: number }>>();

  constructor(@Inject(mediaConfig.KEY) private readonly config: ConfigType<typeof mediaConfig>) {}

  /**
   * Waits for room for a download of at most `cap` bytes for `owner` (a flow token); resolves with
   * the release. Refuses when the token used up its refused bytes, and after FLOW_MEDIA_TIMEOUT_MS
   * without room (the user is asked to try again).
   */
  async acquire(owner: string, cap: number, fileName: string | undefined, signal?: AbortSignal): Promise<() => void> {
    const paused = () => refusal('unavailable', fileName, 'this session sent too many files that could not be used; downloads paused for it');
    if (this.overRefused(owner)) throw paused();
    const bytes = Math.min(cap, this.config.bytesInFlight);
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { owner, bytes, grant: () => settle(resolve), deny: () => settle(() => reject(paused())) };
      const settle = (done: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', cancel);
        done();
      };
      const leave = (error: Error) => {
        const index = this.waiting.indexOf(waiter);
        if (index < 0) return;
        this.waiting.splice(index, 1);
        settle(() => reject(error));
      };
      const cancel = () => leave(refusal('unavailable', fileName, 'download cancelled'));
      const timer = setTimeout(
        () => leave(refusal('unavailable', fileName, 'no room for another download in time (the server is busy)')),
        this.config.timeoutMs,
      );
      timer.unref();
      signal?.addEventListener('abort', cancel, { once: true });
      this.waiting.push(waiter);
      this.serve();
    });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.downloads--;
      this.bytes -= bytes;
      const left = (this.perOwner.get(owner) ?? 1) - 1;
      if (left > 0) this.perOwner.set(owner, left);
      else this.perOwner.delete(owner);
      this.serve();
    };
  }

  /** Counts `bytes` downloaded for a file that was then refused (or cancelled) against `owner`. */
  chargeRefused(owner: string, bytes: number): void {
    if (bytes <= 0) return;
    const entries = this.refused.get(owner) ?? [];
    this.refused.delete(owner);
    entries.push({ at: Date.now(), bytes });
    this.refused.set(owner, entries);
    if (this.refused.size > MAX_TOKENS) this.refused.delete(this.refused.keys().next().value!);
    this.serve(); // waiters of a token now over its limit are told at once
  }

  /** What is in flight now (for tests and metrics). */
  get inFlight(): { downloads: number; bytes: number; waiting: number } {
    return { downloads: this.downloads, bytes: this.bytes, waiting: this.waiting.length };
  }

  private overRefused(owner: string): boolean {
    return this.refusedBytes(owner) >= this.config.tokenRefusedBytes;
  }

  private refusedBytes(owner: string): number {
    const since = Date.now() - REFUSED_WINDOW_MS;
    const entries = (this.refused.get(owner) ?? []).filter((entry) => entry.at >= since);
    if (entries.length) this.refused.set(owner, entries);
    else this.refused.delete(owner);
    return entries.reduce((sum, entry) => sum + entry.bytes, 0);
  }

  /** Grants waiters in order; one whose token has its downloads running waits without holding others up. */
  private serve(): void {
    for (let index = 0; index < this.waiting.length;) {
      const waiter = this.waiting[index];
      if (this.refused.has(waiter.owner) && this.overRefused(waiter.owner)) {
        this.waiting.splice(index, 1);
        waiter.deny();
        continue;
      }
      if (this.downloads >= this.config.downloadsInFlight || this.bytes + waiter.bytes > this.config.bytesInFlight) return;
      if ((this.perOwner.get(waiter.owner) ?? 0) >= this.config.concurrency) {
        index++;
        continue;
      }
      this.waiting.splice(index, 1);
      this.downloads++;
      this.bytes += waiter.bytes;
      this.perOwner.set(waiter.owner, (this.perOwner.get(waiter.owner) ?? 0) + 1);
      waiter.grant();
    }
  }
}
