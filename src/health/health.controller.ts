import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ReadinessRegistry } from './readiness-registry.js';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  /** The process is up and serving HTTP; checks no dependency. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Every registered dependency answers; 503 names the failing check. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(this.readiness.all());
  }
}
