import { Injectable, NotFoundException, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { FlowSignatureError } from '../flow-errors.js';
import { FlowRegistry } from '../routing/flow-registry.js';
import { AppSecrets, HubSignatureGuard } from '../../hub-signature/index.js';

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
    const { flow } = context.switchToHttp().getRequest<FastifyRequest<{ Params: { flow: string } }>>().params;
    if (!this.registry.get(flow)) throw new NotFoundException(`No flow named "${flow}"`);
    return super.canActivate(context);
  }

  protected reject(): never {
    throw new FlowSignatureError();
  }
}
