import { Controller, HttpCode, Param, Post, Req, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { FlowRouter } from '../routing/flow-router.js';
import { FlowCryptoInterceptor } from './flow-crypto.interceptor.js';
import { FlowExceptionFilter } from './flow-exception.filter.js';
import type { FlowHttpRequest } from './flow-http-request.js';
import { FlowSignatureGuard } from './flow-signature.guard.js';
import { KnownFlowGuard } from './known-flow.guard.js';

/**
 * `POST /flows/<name>`: the data endpoint of every flow.
 * Unknown flow (404) → signature (432) → decryption (421) → token (427) → the flow's handler.
 */
@Controller('flows')
@UseFilters(FlowExceptionFilter)
@UseGuards(KnownFlowGuard, FlowSignatureGuard)
@UseInterceptors(FlowCryptoInterceptor)
export class FlowEndpointController {
  constructor(private readonly router: FlowRouter) {}

  @Post(':flow')
  @HttpCode(200)
  @RouteConfig({ bodyLimitConfig: 'flows.bodyLimit' })
  handle(@Param('flow') flow: string, @Req() request: FlowHttpRequest) {
    return this.router.dispatch(flow, request.flow!.request);
  }
}
