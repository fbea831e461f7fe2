import { Controller, HttpCode, Param, Post, Req, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { setFlowLabels } from '../../metrics/flow-request-metrics.js';
import { FLOW_ACTIONS } from '../flow-request.js';
import { HUB_SIGNED_BODY } from '../../hub-signature/index.js';
import { FlowRouter } from '../routing/flow-router.js';
import { FlowExceptionFilter } from './flow-exception.filter.js';
import { TenantCryptoInterceptor } from './tenant-crypto.interceptor.js';
import { TenantFlowGuard, type TenantFlowRequest } from './tenant-flow.guard.js';

/**
 * `POST /flows/<tenant>/<flow>`: a tenant's data endpoint (TENANTS_DIR). The same steps as the
 * single-tenant `/flows/<flow>`, with the tenant's secrets, keys and sessions: unknown tenant or flow
 * (404) → the tenant's signature (432) → the tenant's keys (421) → a token of this tenant (427).
 */
@Controller('flows')
@UseFilters(FlowExceptionFilter)
@UseGuards(TenantFlowGuard)
@UseInterceptors(TenantCryptoInterceptor)
export class TenantFlowEndpointController {
  constructor(private readonly router: FlowRouter) {}

  @Post(':tenant/:flow')
  @HttpCode(200)
  @RouteConfig({ bodyLimitConfig: 'flows.bodyLimit', signedBody: HUB_SIGNED_BODY })
  async handle(@Param('flow') flow: string, @Req() request: TenantFlowRequest) {
    const flowRequest = request.flow!.request;
    const { body, outcome, screen } = await this.router.dispatch(flow, flowRequest, request.flow!);
    const action = (FLOW_ACTIONS as readonly string[]).includes(flowRequest.action) ? flowRequest.action : 'other';
    setFlowLabels(request.raw, { flow, screen, action, outcome });
    return body;
  }
}
