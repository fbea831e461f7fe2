import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import { metricsConfig } from './metrics.config.js';
import type { FastifyInstance } from 'fastify';
import { flowLabels } from './flow-request-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { Metrics } from './metrics.service.js';

/** Prometheus metrics at GET /metrics; modules record into the global Metrics service. */
@Global()
@Module({ imports: [ConfigModule.forFeature(metricsConfig)], controllers: [MetricsController], providers: [Metrics], exports: [Metrics] })
export class MetricsModule implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly http: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    // Data endpoint requests are counted when the answer has gone out, whatever produced it.
    // (An application context without HTTP, such as `db:seed`, has no server to hook.)
    if (!this.http.httpAdapter) return;
    const fastify = this.http.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', async (request, reply) => {
      const labels = flowLabels(request.raw);
      if (!labels) return;
      this.metrics.flowRequests.inc(labels);
      this.metrics.flowDuration.observe({ flow: labels.flow, action: labels.action, outcome: labels.outcome }, reply.elapsedTime / 1000);
    });
  }
}
