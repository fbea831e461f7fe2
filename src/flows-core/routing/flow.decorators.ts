import { createParamDecorator, Injectable, ValidationPipe, type ExecutionContext, type PipeTransform, type Type } from '@nestjs/common';
import { INJECTABLE_WATERMARK } from '@nestjs/common/constants.js';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import type { FlowRequest } from '../flow-request.js';
import type { FlowSession } from '../sessions/flow-session.js';

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
  | { action: 'error_notification' }
  | { action: 'completion' };

/** A completed flow, as delivered by WhatsApp's `nfm_reply` webhook. */
export interface FlowCompletionEvent {
  /** The flow's `response_json`: the completion params (including `flow_token`). */
  response: Record<string, unknown>;
  flowToken?: string;
  /** The user's WhatsApp id (phone number); never log it. */
  phone?: string;
  messageId: string;
  /** The transaction that records the submission: write through it so both commit together. */
  manager: EntityManager;
}

/** What a flow handler receives as its (only) argument; the parameter decorators read from it. */
export interface FlowHandlerContext {
  flow: string;
  request: FlowRequest;
  session: FlowSession;
  completion?: FlowCompletionEvent;
}

/** Class metadata of `@Flow`; discoverable, so the explorer asks Nest for flow classes only. */
export const FlowClass = DiscoveryService.createDecorator<FlowMetadata>();

/** Class metadata set by every handler decorator, so a handler outside a `@Flow` class is found at boot. */
export const FlowHandlerHost = DiscoveryService.createDecorator<true>();

/** Method metadata of the handler decorators. */
export const FlowHandler = Reflector.createDecorator<FlowHandlerKind>();

/**
 * Marks a flow served at `POST /flows/<name>`. List it in its module's `providers` (not
 * `controllers`): the core routes to it (with its guards, pipes and interceptors), not Nest's HTTP
 * router. It must be a singleton with singleton dependencies; the boot says so otherwise.
 */
export function Flow(name: string, options: FlowOptions): ClassDecorator {
  return (target) => {
    FlowClass({ name, ...options, tokens: options.tokens ?? 'issued' })(target);
    // An @Injectable({ scope }) written below @Flow keeps its scope (and the boot then refuses it).
    if (!Reflect.hasOwnMetadata(INJECTABLE_WATERMARK, target)) Injectable()(target);
  };
}

function flowHandler(kind: FlowHandlerKind): MethodDecorator {
  return (target, key, descriptor) => {
    FlowHandlerHost(true)(target.constructor);
    FlowHandler(kind)(target, key, descriptor);
  };
}

/** Handles `data_exchange` sent from `screen`. */
export const FlowScreen = <Screen extends string>(screen: Screen): MethodDecorator => flowHandler({ action: 'data_exchange', screen });

/** Handles `INIT` (the flow was opened with `flow_action: data_exchange`). */
export const FlowInit = (): MethodDecorator => flowHandler({ action: 'INIT' });

/** Handles `BACK` (a screen with `refresh_on_back: true`); without `screen`, from any screen. */
export const FlowBack = <Screen extends string>(screen?: Screen): MethodDecorator => flowHandler({ action: 'BACK', screen });

/** Optional hook called with client error notifications (the core acknowledges them). */
export const FlowErrorNotification = (): MethodDecorator => flowHandler({ action: 'error_notification' });

/**
 * Called once per completed flow (the `nfm_reply` webhook), in the transaction that stores the
 * submission. Receive it with `@Completion()`.
 */
export const FlowCompletion = (): MethodDecorator => flowHandler({ action: 'completion' });

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

/** The completion event, in a `@FlowCompletion()` handler. */
export const Completion = createParamDecorator((_: unknown, ctx: ExecutionContext) => handlerContext(ctx).completion);
