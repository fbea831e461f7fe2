import { Injectable, type CallHandler, type ExecutionContext } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { FlowCryptoInterceptor } from './flow-crypto.interceptor.js';
import type { TenantFlowRequest } from './tenant-flow.guard.js';

/**
 * Opens a tenant's requests with that tenant's key ring only (421 when none of its keys unwraps the
 * AES key), and hands the router the tenant: its sessions and its app secrets for token signatures.
 */
@Injectable()
export class TenantCryptoInterceptor extends FlowCryptoInterceptor {
  override intercept(context: ExecutionContext, next: CallHandler): Observable<string> {
    const tenant = context.switchToHttp().getRequest<TenantFlowRequest>().tenant!;
    return this.proceed(context, next, { name: tenant.name, secrets: tenant.secrets }, tenant.candidates());
  }
}
