import { Injectable, NotFoundException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { FlowRegistry } from '../routing/flow-registry.js';

/** 404 for a flow name nobody registered, before any crypto work. */
@Injectable()
export class KnownFlowGuard implements CanActivate {
  constructor(private readonly registry: FlowRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    const { flow } = context.switchToHttp().getRequest<FastifyRequest<{ Params: { flow: string } }>>().params;
    if (!this.registry.get(flow)) throw new NotFoundException(`No flow named "${flow}"`);
    return true;
  }
}
