import { Global, Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { flowLabels, flowTenantOf, isProbeRequest } from './flow-request-metrics.js';
import { metricsConfig } from './metrics.config.js';
import { MetricsController } from './metrics.controller.js';
import { Metrics } from './metrics.service.js';

/** Prometheus metrics at GET /metrics; modules record into the global Metrics service. */
@Global()
@Module({ imports: [ConfigModule.forFeature(metricsConfig)], controllers: [MetricsController], providers: [Metrics], exports: [Metrics] })
export class MetricsModule implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly http: HttpAdapterHost,
    @Inject(metricsConfig.KEY) private readonly config: ConfigType<typeof metricsConfig>,
  ) {}

  onModuleInit(): void {
    // Data endpoint requests are counted when the answer has gone out, whatever produced it.
    // (An application context without HTTP, such as `db:seed`, has no server to hook.)
    if (!this.http.httpAdapter) return;
    this.announceAccess();
    const fastify = this.http.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (request, reply, done) => {
      const labels = flowLabels(request.raw);
      // The synthetic probe's pings have their own series (flowgate_probe_*): Meta never sees them.
      if (labels && !isProbeRequest(request.raw)) {
        this.metrics.flowRequests.inc(labels);
        this.metrics.flowDuration.observe(labels, reply.elapsedTime / 1000);
        const tenant = flowTenantOf(request.raw);
        if (tenant) {
          this.metrics.tenantFlowRequests.inc({ tenant, flow: labels.flow, action: labels.action, outcome: labels.outcome });
          this.metrics.tenantFlowDuration.observe({ tenant, flow: labels.flow }, reply.elapsedTime / 1000);
        }
      }
      done();
    });
  }

  /** Says at boot who can read /metrics, so a public endpoint is never a surprise. */
  private announceAccess(): void {
    const logger = new Logger('Metrics');
    if (this.config.token) logger.log('GET /metrics needs the METRICS_TOKEN bearer token');
    else if (this.config.declaredPublic) logger.warn('GET /metrics is public (METRICS_PUBLIC=true): anyone who reaches this port can read it');
    else logger.warn('GET /metrics is public because METRICS_TOKEN is not set (production refuses this; set METRICS_TOKEN)');
  }
}
