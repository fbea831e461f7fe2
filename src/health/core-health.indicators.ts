import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';
import { HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { withTimeout } from '../common/with-timeout.js';
import { ReadinessRegistry } from './readiness-registry.js';

const CHECK_TIMEOUT_MS = 1_500;

/** Readiness of the database and the cache. */
@Injectable()
export class CoreHealthIndicators implements OnModuleInit {
  constructor(
    private readonly registry: ReadinessRegistry,
    private readonly health: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
  ) {}

  onModuleInit(): void {
    this.registry.register('database', () => this.db.pingCheck('database').withTimeout(CHECK_TIMEOUT_MS));
    this.registry.register('cache', () => this.cacheRoundTrip());
  }

  /** A cache that fails is reported as degraded: reads fall back to the database. */
  private async cacheRoundTrip() {
    const check = this.health.check('cache');
    const key = `health:${randomUUID()}`;
    try {
      await withTimeout(this.cache.set(key, 'ok', 5_000), CHECK_TIMEOUT_MS);
      const value = await withTimeout(this.cache.get<string>(key), CHECK_TIMEOUT_MS);
      await this.cache.del(key).catch(() => undefined);
      return value === 'ok' ? check.up() : check.degraded({ message: 'cache did not return the value it stored' });
    } catch (error) {
      return check.degraded({ message: (error as Error).message });
    }
  }
}
