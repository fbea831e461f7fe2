import { Injectable, Logger, NotFoundException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { acceptSigned } from '../../hub-signature/index.js';
import { setFlowTenant } from '../../metrics/flow-request-metrics.js';
import { FlowSignatureError } from '../flow-errors.js';
import { FlowRegistry } from '../routing/flow-registry.js';
import type { Tenant } from '../tenants/tenant.js';
import { Tenants } from '../tenants/tenants.service.js';
import type { FlowHttpRequest } from './flow-http-request.js';

export type TenantFlowRequest = FlowHttpRequest & { tenant?: Tenant };

/**
 * The guard of a tenant's data endpoint (`/flows/<tenant>/<flow>`): an unknown tenant or flow is 404
 * before any crypto work, and the signature is checked with that tenant's app secrets only (432
 * otherwise) before the body is parsed: another tenant's secret never opens the way.
 */
@Injectable()
export class TenantFlowGuard implements CanActivate {
  private readonly logger = new Logger(TenantFlowGuard.name);

  constructor(
    private readonly tenants: Tenants,
    private readonly registry: FlowRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<TenantFlowRequest>();
    const { tenant: name, flow } = request.params as { tenant: string; flow: string };
    const tenant = this.tenants.get(name);
    if (!tenant) throw new NotFoundException(`No tenant named "${name.slice(0, 64)}"`);
    setFlowTenant(request.raw, tenant.name);
    if (!this.registry.get(flow)) throw new NotFoundException(`No flow named "${flow}"`);
    if (!acceptSigned(request, tenant.secrets, this.logger)) throw new FlowSignatureError();
    request.tenant = tenant;
    return true;
  }
}
