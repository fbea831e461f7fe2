import { Module } from '@nestjs/common';
import { Completion, Flow, FlowCompletion, FlowResponse, FlowScreen, FlowTenant, type FlowCompletionEvent } from '../../src/flows-core/index.js';

/** What the completion handler saw: the tenant and the token of each completion. */
export const tenantCompletions: Array<{ tenant: string | undefined; token: string }> = [];

/** A flow that answers with the tenant it is served for (its one screen's `plan` field). */
@Flow('members', { tokens: 'any', flowJson: new URL('../flows-core/fixtures/members.flow.json', import.meta.url) })
export class TenantAwareFlow {
  @FlowScreen('WELCOME')
  welcome(@FlowTenant() tenant: string | undefined) {
    return FlowResponse.navigate('WELCOME', { plan: tenant ?? 'single-tenant' });
  }

  @FlowCompletion()
  completed(@Completion() event: FlowCompletionEvent, @FlowTenant() tenant: string | undefined) {
    tenantCompletions.push({ tenant, token: event.flowToken! });
  }
}

@Module({ providers: [TenantAwareFlow] })
export class TenantAwareFlowModule {}
