import { Controller, HttpCode, Param, Post, Req, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { setFlowLabels } from '../../metrics/flow-request-metrics.js';
import { FLOW_ACTIONS } from '../flow-request.js';
import { HUB_SIGNED_BODY } from '../../hub-signature/index.js';
import { FlowRouter } from '../routing/flow-router.js';
import { FlowCryptoInterceptor } from './flow-crypto.interceptor.js';
import { FlowExceptionFilter } from './flow-exception.filter.js';
import type { FlowHttpRequest } from './flow-http-request.js';
import { FlowSignatureGuard } from './flow-signature.guard.js';

/**
 * `POST /flows/<name>`: the data endpoint of every flow.
 * Unknown flow (404) → signature (432) → decryption (421) → token (427) → the flow's handler.
 */
@Controller('flows')
@UseFilters(FlowExceptionFilter)
@UseGuards(FlowSignatureGuard)
@UseInterceptors(FlowCryptoInterceptor)
export class FlowEndpointController {
  constructor(private readonly router: FlowRouter) {}

  @Post(':flow')
  @HttpCode(200)
  @RouteConfig({ bodyLimitConfig: 'flows.bodyLimit', signedBody: HUB_SIGNED_BODY })
  async handle(@Param('flow') flow: string, @Req() request: FlowHttpRequest) {
    const flowRequest = request.flow!.request;
    const { body, outcome, screen } = await this.router.dispatch(flow, flowRequest, request.flow!);
    const action = (FLOW_ACTIONS as readonly string[]).includes(flowRequest.action) ? flowRequest.action : 'other';
    setFlowLabels(request.raw, { flow, screen, action, outcome });
    return body;
  }
}
