import { Injectable, NotFoundException, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { FlowSignatureError } from '../flow-errors.js';
import { FlowRegistry } from '../routing/flow-registry.js';
import { AppSecrets, HubSignatureGuard } from '../../hub-signature/index.js';
import { inSpan } from '../../tracing/index.js';

/**
 * The data endpoint's one guard: a flow name nobody registered is 404 before any crypto work, a bad
 * signature 432. (One guard, not two: each guard is a step of Nest's pipeline on every request.)
 */
@Injectable()
export class FlowSignatureGuard extends HubSignatureGuard {
  constructor(
    secrets: AppSecrets,
    private readonly registry: FlowRegistry,
  ) {
    super(secrets);
  }

  override canActivate(context: ExecutionContext): boolean {
    return inSpan('flow.signature', undefined, (notes) => {
      const { flow } = context.switchToHttp().getRequest<FastifyRequest<{ Params: { flow: string } }>>().params;
      if (!this.registry.get(flow)) {
        notes.set('flowgate.signature.outcome', 'unknown_flow');
        throw new NotFoundException(`No flow named "${flow}"`);
      }
      notes.set('flowgate.flow.name', flow);
      try {
        const valid = super.canActivate(context);
        notes.set('flowgate.signature.outcome', valid ? 'valid' : 'invalid');
        return valid;
      } catch (error) {
        notes.set('flowgate.signature.outcome', 'invalid');
        throw error;
      }
    });
  }

  protected reject(): never {
    throw new FlowSignatureError();
  }
}
