import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';
import { withTimeout } from '../common/with-timeout.js';
import { Metrics } from '../metrics/metrics.service.js';
import { inChildSpan, KIND } from '../tracing/index.js';
import { CacheInvalidations } from './invalidation-bus.js';
import { LocalEntries } from './local-entries.js';

/**
 * Longest wait for the cache store. A healthy store answers in about a millisecond; one that is
 * unreachable in a way the client does not notice (a lost network, a reconnect in progress) must
 * not hold a request: past this, the read goes to the source.
 */
const CACHE_TIMEOUT_MS = 500;

const bounded = <T>(operation: Promise<T>) => withTimeout(operation, CACHE_TIMEOUT_MS, `no answer from the cache in ${CACHE_TIMEOUT_MS} ms`);

/**
 * How long an invalidation is remembered. An entry never outlives it (its TTL is capped to it), so a
 * forgotten generation can only turn a valid entry into a miss, never revive a stale one.
 */
const GENERATION_TTL_MS = 24 * 3600_000;

/** A cached value, stamped with the key's generation read before the value was loaded. */
interface Entry<T> {
  v: T;
  g: string | null;
}

const generationKey = (key: string) => `${key}:generation`;

/** The store's round trips, traced under a request's span: the key's prefix only (the rest may name a person's data). */
const storeSpan = (operation: string, key: string, redis: boolean) => ({
  kind: redis ? KIND.client : KIND.internal,
  attributes: {
    'flowgate.cache.store': redis ? 'redis' : 'memory',
    'flowgate.cache.key_prefix': key.split(':')[0],
    ...(redis ? { 'db.system.name': 'redis', 'db.operation.name': operation } : {}),
  },
});

/**
 * Read-through caching that never fails a request: when the cache store is down, reads go to the
 * source and writes are skipped.
 *
 * Two levels: this process's copies (a hit costs no round trip), then the shared store (Redis when
 * REDIS_URL is set). Invalidation is immediate in this process and reaches the others through
 * CacheInvalidations (Redis pub/sub, or Postgres NOTIFY); while that channel is down, the
 * in-process copies are not used.
 *
 * In the shared store, invalidation also wins over a read that loaded the old value just before the
 * change: `invalidate` gives the key a new generation, every entry carries the generation its loader
 * saw before reading the source, and an entry of another generation is a miss. A write-back that
 * loses the race is therefore never served (on every replica sharing the store).
 */
@Injectable()
export class ReadThroughCache {
  private readonly logger = new Logger(ReadThroughCache.name);
  private readonly local = new LocalEntries();
  /** Bumped when a process-local store is emptied: a load under way then does not write back. */
  private storeEpoch = 0;

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly metrics: Metrics,
    private readonly invalidations: CacheInvalidations,
  ) {
    invalidations.onInvalidate((key) => {
      this.local.invalidate(key);
      // Each process has its own store when it is memory: the change is applied to this one too (after
      // the channel was down, by emptying it; loads under way then keep their value to themselves).
      if (invalidations.sharedStore) return;
      if (key !== undefined) return void this.invalidateStore(key);
      this.storeEpoch++;
      void this.cache.clear();
    });
  }

  async get<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const useLocal = this.invalidations.live;
    if (useLocal) {
      const held = this.local.get<T>(key);
      if (held !== undefined) {
        this.metrics.cacheRequests.inc({ result: 'hit' });
        return held;
      }
    }
    const stamp = this.local.stamp(key);
    const { value, shared } = await this.shared(key, ttlMs, load);
    // Only what the store holds (or just took) is copied here: a copy made while the store failed
    // would keep answering and the store would never be filled again until it expired.
    if (useLocal && shared && value !== undefined && value !== null) this.local.set(key, value, Math.min(ttlMs, GENERATION_TTL_MS), stamp);
    return value;
  }

  /** Makes every entry of `key` stale at once, here and in every process, including one a concurrent read is about to write. */
  async invalidate(key: string): Promise<void> {
    this.local.invalidate(key);
    await Promise.all([
      this.invalidateStore(key),
      bounded(this.invalidations.publish(key)).catch((error: Error) => this.logger.warn(`Cache invalidation not broadcast: ${error.message}`)),
    ]);
  }

  /** A new generation, then the entry dropped: sent together (Redis takes one connection's commands in order). */
  private invalidateStore(key: string): Promise<void> {
    const redis = this.invalidations.sharedStore;
    return inChildSpan(redis ? 'redis SET+DEL' : 'cache invalidate', storeSpan('SET+DEL', key, redis), () =>
      bounded(Promise.all([this.cache.set(generationKey(key), randomUUID(), GENERATION_TTL_MS), this.cache.del(key)])),
    ).then(
      () => undefined,
      (error: Error) => this.logger.warn(`Cache invalidation failed: ${error.message}`),
    );
  }

  /** The store's entry, or the source's value written back to it; `shared`: the store answered. */
  private async shared<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<{ value: T; shared: boolean }> {
    const epoch = this.storeEpoch;
    let generation: string | null | undefined;
    try {
      // One round trip for the entry and the key's current generation.
      const redis = this.invalidations.sharedStore;
      const [entry, current] = await inChildSpan(redis ? 'redis MGET' : 'cache get', storeSpan('MGET', key, redis), () =>
        bounded(this.cache.mget<unknown>([key, generationKey(key)])),
      );
      generation = (current as string | undefined) ?? null;
      const hit = entry as Entry<T> | undefined | null;
      if (hit && typeof hit === 'object' && 'v' in hit && hit.g === generation && hit.v !== undefined && hit.v !== null) {
        this.metrics.cacheRequests.inc({ result: 'hit' });
        return { value: hit.v, shared: true };
      }
      this.metrics.cacheRequests.inc({ result: 'miss' });
    } catch (error) {
      this.metrics.cacheRequests.inc({ result: 'error' });
      this.logger.warn(`Cache read failed for ${key.split(':')[0]}: ${(error as Error).message}`);
    }
    const value = await load();
    // Without the generation read before the load, a write-back could not be told from a stale one.
    if (value === undefined || value === null || generation === undefined || epoch !== this.storeEpoch) return { value, shared: false };
    const entry: Entry<T> = { v: value, g: generation };
    const redis = this.invalidations.sharedStore;
    const shared = await inChildSpan(redis ? 'redis SET' : 'cache set', storeSpan('SET', key, redis), () =>
      bounded(this.cache.set(key, entry, Math.min(ttlMs, GENERATION_TTL_MS))),
    ).then(
      () => true,
      (error: Error) => {
        this.logger.warn(`Cache write failed: ${error.message}`);
        return false;
      },
    );
    return { value, shared };
  }
}
