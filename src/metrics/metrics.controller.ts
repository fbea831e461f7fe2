import { Controller, Get, Header, Inject, Req, UnauthorizedException } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import { bearerToken, sameSecret } from '../http/secrets.js';
import { metricsConfig } from './metrics.config.js';
import { Metrics } from './metrics.service.js';

/** Prometheus scrape endpoint; behind METRICS_TOKEN when it is set. */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    @Inject(metricsConfig.KEY) private readonly config: ConfigType<typeof metricsConfig>,
  ) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(@Req() request: FastifyRequest): Promise<string> {
    if (this.config.token) {
      const token = bearerToken(request.headers.authorization);
      if (!token || !sameSecret(token, this.config.token)) throw new UnauthorizedException();
    }
    return this.metrics.exposition();
  }
}
