import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ReadinessRegistry } from './readiness-registry.js';

/**
 * Readiness fails as soon as the process starts shutting down (SIGTERM), while it still serves every
 * request for HTTP_DRAIN_DELAY_MS: a load balancer that follows readiness stops sending new requests
 * before the process stops accepting them.
 */
@Injectable()
export class ShutdownReadiness implements OnModuleInit {
  constructor(
    private readonly registry: ReadinessRegistry,
    private readonly health: HealthIndicatorService,
    private readonly http: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    this.registry.register('shutdown', async () => {
      const check = this.health.check('shutdown');
      const draining = (this.http.httpAdapter as { draining?: boolean } | undefined)?.draining === true;
      return draining ? check.down({ message: 'shutting down: finishing the requests in flight' }) : check.up();
    });
  }
}
