import { Injectable } from '@nestjs/common';
import type { FlowContract } from '../contract/flow-contract.js';
import type { FlowHandlerContext, FlowHandlerKind, FlowMetadata } from './flow.decorators.js';

/** A flow handler bound with Nest's guards, pipes and interceptors. */
export type BoundFlowHandler = (context: FlowHandlerContext) => Promise<unknown>;

export interface RegisteredHandler {
  kind: FlowHandlerKind;
  /** `Class.method`, for error messages and logs. */
  location: string;
  invoke: BoundFlowHandler;
  /** It asks for the session or the request's transaction: it runs in one transaction holding the session row. */
  inTransaction: boolean;
}

export interface RegisteredFlow {
  metadata: FlowMetadata;
  className: string;
  /** Where the Flow JSON was read from, for messages. */
  flowJsonFile: string;
  contract: FlowContract;
  handlers: Map<string, RegisteredHandler>;
}

/** Lookup key of a handler: `INIT`, `BACK`, `BACK:SCREEN`, `data_exchange:SCREEN`, `error_notification`. */
export function handlerKey(kind: FlowHandlerKind): string {
  return 'screen' in kind && kind.screen ? `${kind.action}:${kind.screen}` : kind.action;
}

/** Every flow and its handlers, filled once at boot by the FlowExplorer. */
@Injectable()
export class FlowRegistry {
  private readonly flows = new Map<string, RegisteredFlow>();

  add(flow: RegisteredFlow): void {
    const existing = this.flows.get(flow.metadata.name);
    if (existing) {
      throw new Error(`Flow "${flow.metadata.name}" is declared twice: by ${existing.className} and by ${flow.className}`);
    }
    this.flows.set(flow.metadata.name, flow);
  }

  get(name: string): RegisteredFlow | undefined {
    return this.flows.get(name);
  }

  names(): string[] {
    return [...this.flows.keys()];
  }

  /** The handler for an action on a screen; BACK falls back to a screen-less @FlowBack(). */
  handlerFor(flow: RegisteredFlow, action: string, screen: string | undefined): RegisteredHandler | undefined {
    if (action === 'INIT') return flow.handlers.get('INIT');
    if (action === 'BACK') return (screen && flow.handlers.get(`BACK:${screen}`)) || flow.handlers.get('BACK');
    if (action === 'data_exchange' && screen) return flow.handlers.get(`data_exchange:${screen}`);
    return undefined;
  }
}
