import { Inject, Injectable, Logger } from '@nestjs/common';
import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';
import type { ConfigType } from '@nestjs/config';
import KeyvRedis from '@keyv/redis';
import { withTimeout } from '../common/with-timeout.js';
import { cacheConfig } from './cache.config.js';

/** Same bound as the read-through cache: a store that does not answer must not hold a request. */
const STORE_TIMEOUT_MS = 500;
/** The in-memory store forgets its oldest records beyond this many. */
const MEMORY_MAX_RECORDS = 100_000;

interface RecordStore {
  /** Stores `value` unless `key` holds a live record; true when stored. */
  claim(key: string, value: string, ttlMs: number): Promise<boolean>;
  get(key: string): Promise<string | undefined>;
  put(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/** One process's records: check-and-set runs without yielding, so it is atomic. */
class MemoryRecords implements RecordStore {
  private readonly records = new Map<string, { value: string; expiresAt: number }>();

  private live(key: string) {
    const record = this.records.get(key);
    if (record && record.expiresAt <= Date.now()) this.records.delete(key);
    return record && record.expiresAt > Date.now() ? record : undefined;
  }

  async claim(key: string, value: string, ttlMs: number) {
    if (this.live(key)) return false;
    await this.put(key, value, ttlMs);
    return true;
  }

  async get(key: string) {
    return this.live(key)?.value;
  }

  async put(key: string, value: string, ttlMs: number) {
    this.records.delete(key); // re-inserted last: the Map's order is the age order
    this.records.set(key, { value, expiresAt: Date.now() + ttlMs });
    if (this.records.size > MEMORY_MAX_RECORDS) this.records.delete(this.records.keys().next().value!);
  }

  async delete(key: string) {
    this.records.delete(key);
  }
}

/** Redis through the cache's own connection: `SET NX PX` is atomic across replicas. */
class RedisRecords implements RecordStore {
  constructor(
    private readonly redis: KeyvRedis<string>,
    private readonly prefix: string,
  ) {}

  private client() {
    return this.redis.getClient();
  }

  async claim(key: string, value: string, ttlMs: number) {
    return (await (await this.client()).set(this.prefix + key, value, { NX: true, PX: ttlMs })) === 'OK';
  }

  async get(key: string) {
    return ((await (await this.client()).get(this.prefix + key)) as string | null) ?? undefined;
  }

  async put(key: string, value: string, ttlMs: number) {
    await (await this.client()).set(this.prefix + key, value, { PX: ttlMs });
  }

  async delete(key: string) {
    await (await this.client()).del(this.prefix + key);
  }
}

/**
 * Short-lived records that at most one request may create (the cache-manager API has no atomic
 * "set if absent"). In the cache's Redis when REDIS_URL is set, so replicas see each other's
 * records; in process memory otherwise. While Redis fails, this process's memory stands in: records
 * then hold for this replica only, and no request fails for it.
 */
@Injectable()
export class ClaimStore {
  private readonly logger = new Logger(ClaimStore.name);
  private readonly memory = new MemoryRecords();
  private readonly shared?: RedisRecords;

  constructor(@Inject(CACHE_MANAGER) cache: Cache, @Inject(cacheConfig.KEY) config: ConfigType<typeof cacheConfig>) {
    const store = cache.stores[0]?.store as unknown;
    if (store instanceof KeyvRedis) this.shared = new RedisRecords(store as KeyvRedis<string>, `${config.namespace}:claims:`);
  }

  private async run<T>(operation: (store: RecordStore) => Promise<T>): Promise<T> {
    if (!this.shared) return operation(this.memory);
    try {
      return await withTimeout(operation(this.shared), STORE_TIMEOUT_MS, `no answer from Redis in ${STORE_TIMEOUT_MS} ms`);
    } catch (error) {
      this.logger.warn(`Shared records unavailable, this process's memory stands in: ${(error as Error).message}`);
      return operation(this.memory);
    }
  }

  claim(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.run((store) => store.claim(key, value, ttlMs));
  }

  get(key: string): Promise<string | undefined> {
    return this.run((store) => store.get(key));
  }

  put(key: string, value: string, ttlMs: number): Promise<void> {
    return this.run((store) => store.put(key, value, ttlMs));
  }

  delete(key: string): Promise<void> {
    return this.run((store) => store.delete(key));
  }
}
