import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';
import type { ConfigType } from '@nestjs/config';
import type KeyvRedis from '@keyv/redis';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { databaseConfig } from '../database/database.config.js';
import { cacheConfig } from './cache.config.js';

/** Called with the key invalidated, or undefined for "anything may have changed". */
type Listener = (key: string | undefined) => void;

/** How invalidations travel between the processes that share the data. */
interface Transport {
  publish(message: string): Promise<void>;
  close(): Promise<void>;
}

const RECONNECT_MS = 1_000;

/**
 * Tells every process that a cached key changed, so each can drop its in-process copy: Redis
 * pub/sub when REDIS_URL is set, Postgres LISTEN/NOTIFY when only DATABASE_URL is, and nothing to
 * tell on the embedded database (one process holds it). While the channel is down (`live` false),
 * in-process copies must not be used: a missed message would leave one stale until its TTL.
 */
@Injectable()
export class CacheInvalidations implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CacheInvalidations.name);
  private readonly listeners: Listener[] = [];
  /** Messages carry their sender: a process applies its own invalidations at once, never again when they echo back. */
  private readonly sender = randomUUID();
  private transport?: Transport;
  private closed = false;
  /** The channel delivers every invalidation (or there is no other process to hear from). */
  live = false;
  /** The cache store is Redis, shared by every process (otherwise each process has its own). */
  sharedStore = false;

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    @Inject(cacheConfig.KEY) private readonly config: ConfigType<typeof cacheConfig>,
    @Inject(databaseConfig.KEY) private readonly database: ConfigType<typeof databaseConfig>,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /** Called with each key another process (or this one) invalidated, and with undefined after the channel was down. */
  onInvalidate(listener: Listener): void {
    this.listeners.push(listener);
  }

  async publish(key: string): Promise<void> {
    await this.transport?.publish(`${this.sender} ${key}`);
  }

  /** A message from the channel: another process's invalidation (this process's own come back too, ignored). */
  private received(message: string): void {
    const space = message.indexOf(' ');
    if (space < 0 || message.slice(0, space) === this.sender) return;
    this.deliver(message.slice(space + 1));
  }

  async onModuleInit(): Promise<void> {
    const store = this.cache.stores[0]?.store as unknown;
    // A Redis store (AppCacheModule makes one when REDIS_URL is set), told by its client: @keyv/redis
    // is loaded only where Redis is used, so its class is not at hand to compare with.
    this.sharedStore = typeof (store as Partial<KeyvRedis<string>> | undefined)?.getClient === 'function';
    if (this.sharedStore) this.transport = await this.redis(store as KeyvRedis<string>);
    else if (this.database.url) this.transport = this.postgres(this.database.url);
    else this.live = true; // the embedded database: this process is the only one
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.live = false;
    await this.transport?.close().catch(() => undefined);
  }

  private deliver(key: string | undefined): void {
    for (const listener of this.listeners) listener(key);
  }

  /** Going live again: whatever was missed meanwhile is forgotten with everything held. */
  private setLive(live: boolean): void {
    if (live === this.live) return;
    if (live) this.deliver(undefined);
    this.live = live;
    if (live) this.logger.log('Cache invalidations channel up: in-process copies in use');
    else this.logger.warn('Cache invalidations channel down: in-process copies unused until it is back');
  }

  private channel(): string {
    return `${this.config.namespace}:cache-invalidations`;
  }

  private async redis(store: KeyvRedis<string>): Promise<Transport> {
    const client = (await store.getClient()) as unknown as {
      duplicate(): SubscriberClient;
      publish(channel: string, message: string): Promise<number>;
    };
    const subscriber = client.duplicate();
    const channel = this.channel();
    subscriber.on('error', () => this.setLive(false));
    subscriber.on('end', () => this.setLive(false));
    subscriber.on('reconnecting', () => this.setLive(false));
    // Subscriptions are renewed by the client after a reconnect; 'ready' comes once they are.
    subscriber.on('ready', () => this.setLive(true));
    try {
      await subscriber.connect();
      await subscriber.subscribe(channel, (message: string) => this.received(message));
      this.setLive(true);
    } catch (error) {
      this.logger.warn(`Cache invalidations over Redis unavailable, in-process copies unused until it is back: ${(error as Error).message}`);
    }
    return {
      publish: async (message) => void (await client.publish(channel, message)),
      close: async () => void (await subscriber.close()),
    };
  }

  private postgres(url: string): Transport {
    const channel = this.channel();
    let listener: pg.Client | undefined;
    const connect = async () => {
      if (this.closed) return;
      const client = new pg.Client({ connectionString: url, application_name: 'flowgate-cache-invalidations' });
      client.on('notification', (message) => message.channel === channel && message.payload && this.received(message.payload));
      const lost = () => {
        if (listener !== client) return;
        listener = undefined;
        this.setLive(false);
        client.end().catch(() => undefined);
        setTimeout(() => void connect(), RECONNECT_MS).unref();
      };
      client.on('error', lost);
      client.on('end', lost);
      try {
        await client.connect();
        await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
        listener = client;
        this.setLive(true);
      } catch {
        await client.end().catch(() => undefined);
        if (!this.closed) setTimeout(() => void connect(), RECONNECT_MS).unref();
      }
    };
    void connect();
    return {
      publish: async (message) => void (await this.db.query('SELECT pg_notify($1, $2)', [channel, message])),
      close: async () => {
        const client = listener;
        listener = undefined;
        await client?.end();
      },
    };
  }
}

interface SubscriberClient {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  close(): Promise<void>;
}
