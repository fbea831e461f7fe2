import { applyDecorators, createParamDecorator, Injectable, SetMetadata, ValidationPipe, type ExecutionContext, type PipeTransform, type Type } from '@nestjs/common';
import type { FlowRequest } from '../flow-request.js';
import type { FlowSession } from '../sessions/flow-session.js';

export const FLOW_METADATA = 'flowgate:flow';
export const FLOW_HANDLER_METADATA = 'flowgate:flow-handler';

export interface FlowOptions {
  /**
   * `issued`: only tokens Flowgate issued are accepted (427 otherwise).
   * `any`: a session is opened for any token on first sight (Flow Builder previews, template sends).
   */
  tokens?: 'issued' | 'any';
  /**
   * The flow's Flow JSON file, e.g. `new URL('./inventory.flow.json', import.meta.url)`: the contract
   * every reply is checked against, validated at boot.
   */
  flowJson: URL;
}

export interface FlowMetadata extends Required<FlowOptions> {
  name: string;
}

export type FlowHandlerKind =
  | { action: 'INIT' }
  | { action: 'BACK'; screen?: string }
  | { action: 'data_exchange'; screen: string }
  | { action: 'error_notification' };

/** What a flow handler receives as its (only) argument; the parameter decorators read from it. */
export interface FlowHandlerContext {
  flow: string;
  request: FlowRequest;
  session: FlowSession;
}

/**
 * Marks a per-flow controller served at `POST /flows/<name>`. List it in its module's `providers`:
 * the core routes to it (with its guards, pipes and interceptors), not Nest's HTTP router.
 */
export function Flow(name: string, options: FlowOptions): ClassDecorator {
  const metadata: FlowMetadata = { name, ...options, tokens: options.tokens ?? 'issued' };
  return applyDecorators(SetMetadata(FLOW_METADATA, metadata), Injectable());
}

/** Handles `data_exchange` sent from `screen`. */
export const FlowScreen = <Screen extends string>(screen: Screen): MethodDecorator =>
  SetMetadata(FLOW_HANDLER_METADATA, { action: 'data_exchange', screen } satisfies FlowHandlerKind);

/** Handles `INIT` (the flow was opened with `flow_action: data_exchange`). */
export const FlowInit = (): MethodDecorator => SetMetadata(FLOW_HANDLER_METADATA, { action: 'INIT' } satisfies FlowHandlerKind);

/** Handles `BACK` (a screen with `refresh_on_back: true`); without `screen`, from any screen. */
export const FlowBack = <Screen extends string>(screen?: Screen): MethodDecorator =>
  SetMetadata(FLOW_HANDLER_METADATA, { action: 'BACK', screen } satisfies FlowHandlerKind);

/** Optional hook called with client error notifications (the core acknowledges them). */
export const FlowErrorNotification = (): MethodDecorator =>
  SetMetadata(FLOW_HANDLER_METADATA, { action: 'error_notification' } satisfies FlowHandlerKind);

const handlerContext = (ctx: ExecutionContext) => ctx.getArgByIndex<FlowHandlerContext>(0);

const validateFlowData = new ValidationPipe({
  validateCustomDecorators: true,
  transform: true,
  whitelist: true,
  forbidUnknownValues: false,
});

/** The request's `data`, validated against the parameter's class (class-validator DTO). */
export const FlowData = (...pipes: Array<Type<PipeTransform> | PipeTransform>): ParameterDecorator =>
  createParamDecorator((_: unknown, ctx: ExecutionContext) => handlerContext(ctx).request.data ?? {})(
    validateFlowData,
    ...pipes,
  );

/** The request's flow token. */
export const FlowToken = createParamDecorator((_: unknown, ctx: ExecutionContext) => handlerContext(ctx).request.flow_token);

/** The flow-token session: read and update its state. */
export const CurrentSession = createParamDecorator((_: unknown, ctx: ExecutionContext) => handlerContext(ctx).session);

/** The whole decrypted request. */
export const CurrentFlowRequest = createParamDecorator((_: unknown, ctx: ExecutionContext) => handlerContext(ctx).request);
