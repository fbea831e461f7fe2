import { Injectable } from '@nestjs/common';
import type { HealthIndicatorFunction } from '@nestjs/terminus';

/**
 * Modules add their own readiness checks here (database, cache, keys, queue...), so the health
 * module needs to know none of them.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, HealthIndicatorFunction>();

  register(name: string, check: HealthIndicatorFunction): void {
    if (this.checks.has(name)) throw new Error(`Readiness check "${name}" is registered twice`);
    this.checks.set(name, check);
  }

  all(): HealthIndicatorFunction[] {
    return [...this.checks.values()];
  }
}
