import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Header, Inject, Req, UnauthorizedException } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import { metricsConfig } from './metrics.config.js';
import { Metrics } from './metrics.service.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

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
      const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
      if (!match || !timingSafeEqual(digest(match[1]), digest(this.config.token))) throw new UnauthorizedException();
    }
    return this.metrics.exposition();
  }
}
