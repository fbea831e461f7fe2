import { Inject, Injectable, Logger } from '@nestjs/common';
import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';
import { withTimeout } from '../common/with-timeout.js';
import { Metrics } from '../metrics/metrics.service.js';

/**
 * Longest wait for the cache store. A healthy store answers in about a millisecond; one that is
 * unreachable in a way the client does not notice (a lost network, a reconnect in progress) must
 * not hold a request: past this, the read goes to the source.
 */
const CACHE_TIMEOUT_MS = 500;

const bounded = <T>(operation: Promise<T>) => withTimeout(operation, CACHE_TIMEOUT_MS, `no answer from the cache in ${CACHE_TIMEOUT_MS} ms`);

/**
 * Read-through caching that never fails a request: when the cache store is down, reads go to the
 * source and writes are skipped.
 */
@Injectable()
export class ReadThroughCache {
  private readonly logger = new Logger(ReadThroughCache.name);

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly metrics: Metrics,
  ) {}

  async get<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    try {
      const hit = await bounded(this.cache.get<T>(key));
      if (hit !== undefined && hit !== null) {
        this.metrics.cacheRequests.inc({ result: 'hit' });
        return hit;
      }
      this.metrics.cacheRequests.inc({ result: 'miss' });
    } catch (error) {
      this.metrics.cacheRequests.inc({ result: 'error' });
      this.logger.warn(`Cache read failed for ${key.split(':')[0]}: ${(error as Error).message}`);
    }
    const value = await load();
    if (value !== undefined && value !== null) {
      await bounded(this.cache.set(key, value, ttlMs)).catch((error: Error) => this.logger.warn(`Cache write failed: ${error.message}`));
    }
    return value;
  }

  async invalidate(key: string): Promise<void> {
    await bounded(this.cache.del(key)).catch((error: Error) => this.logger.warn(`Cache invalidation failed: ${error.message}`));
  }
}
