import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CoreHealthIndicators } from './core-health.indicators.js';
import { HealthController } from './health.controller.js';
import { ReadinessRegistry } from './readiness-registry.js';
import { ShutdownReadiness } from './shutdown.health.js';

@Global()
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [ReadinessRegistry, CoreHealthIndicators, ShutdownReadiness],
  exports: [ReadinessRegistry, TerminusModule],
})
export class HealthModule {}
