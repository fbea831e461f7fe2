import { BadRequestException, createParamDecorator, Injectable, type ExecutionContext, type PipeTransform, type Type } from '@nestjs/common';
import { INJECTABLE_WATERMARK } from '@nestjs/common/constants.js';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import type { FlowRequest } from '../flow-request.js';
import type { FlowSession } from '../sessions/flow-session.js';
import { CompiledValidationPipe } from './compiled-validation.js';

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
  /** What Meta's Flows API needs to create and deploy this flow (`npm run flows -- deploy`). */
  meta?: FlowMetaOptions;
}

/** Meta's flow categories, as listed by the Flows API reference (at least one is required to create a flow). */
export type FlowCategory = 'SIGN_UP' | 'SIGN_IN' | 'APPOINTMENT_BOOKING' | 'LEAD_GENERATION' | 'CONTACT_US' | 'CUSTOMER_SUPPORT' | 'SURVEY' | 'OTHER';

export interface FlowMetaOptions {
  /** The flow's name at Meta (unique in the WhatsApp Business Account); default: the flow's name. */
  name?: string;
  categories: FlowCategory[];
}

export interface FlowMetadata extends Required<Omit<FlowOptions, 'meta'>> {
  name: string;
  meta?: FlowMetaOptions;
}

export type FlowHandlerKind =
  | { action: 'INIT' }
  | { action: 'BACK'; screen?: string }
  | { action: 'data_exchange'; screen: string }
  | { action: 'error_notification' }
  | { action: 'completion' };

/**
 * A completed flow, as delivered by WhatsApp's `nfm_reply` webhook. The sender is identified by phone
 * number, business-scoped user id, or both: a user who adopted a WhatsApp username may hide the
 * number, and then only `userId` is there. All of these are personal data: never log them.
 */
export interface FlowCompletionEvent {
  /** The flow's `response_json`: the completion params (with `flow_token`, unless the flow has no data endpoint). */
  response: Record<string, unknown>;
  /** The session's flow token (also for a flow without a data endpoint: its session is found by the message it answers). */
  flowToken?: string;
  /** The sender's phone number, E.164 (`+351910000000`), when Meta sent it (`from`). */
  phone?: string;
  /** The sender's business-scoped user id (`US.13491208655302741918`), when Meta sent it (`from_user_id`). */
  userId?: string;
  /** The sender's parent business-scoped user id (`US.ENT.…`), for businesses with linked portfolios. */
  parentUserId?: string;
  /** The sender's WhatsApp username: for display only (it can change), never to identify anyone. */
  username?: string;
  messageId: string;
  /** The transaction that records the submission: write through it so both commit together. */
  manager: EntityManager;
}

/**
 * What a flow handler receives as its (only) argument; the parameter decorators read from it.
 * `session` and `manager` are there for handlers that run in the session's transaction (those that
 * ask for them with @CurrentSession(), @FlowTransaction() or another decorator made with
 * `inSessionTransaction`); a handler that only reads is called without them.
 */
export interface FlowHandlerContext {
  flow: string;
  request: FlowRequest;
  session?: FlowSession;
  /** The transaction the request (or completion) runs in, with its session row locked. */
  manager?: EntityManager;
  completion?: FlowCompletionEvent;
  /** The tenant whose endpoint (or webhook) the request came through; absent in the single-tenant configuration. */
  tenant?: string;
}

/** Class metadata of `@Flow`; discoverable, so the explorer asks Nest for flow classes only. */
export const FlowClass = DiscoveryService.createDecorator<FlowMetadata>();

/** The `@Flow` metadata of a class, read without starting the application (the Flows API tooling). */
export function flowMetadataOf(type: object): FlowMetadata | undefined {
  return Reflect.getMetadata(FlowClass.KEY, type) as FlowMetadata | undefined;
}

/** What a method handles, when it carries a handler decorator (the test kit compares DTOs with screens). */
export function flowHandlerOf(method: object): FlowHandlerKind | undefined {
  return Reflect.getMetadata(FlowHandler.KEY, method) as FlowHandlerKind | undefined;
}

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

// The handler decorators below are the low-level, untyped form: flows are written with typedFlow()
// (typed-flow.ts: flow.screen, flow.init, flow.back), which is built on them and checks screen names,
// payloads and replies against the flow's generated types.

/** Handles `data_exchange` sent from `screen`. Low-level form: flows use typedFlow's `flow.screen(...)`. */
export const FlowScreen = <Screen extends string>(screen: Screen): MethodDecorator => flowHandler({ action: 'data_exchange', screen });

/** Handles `INIT` (the flow was opened with `flow_action: data_exchange`). Low-level form: flows use `flow.init()`. */
export const FlowInit = (): MethodDecorator => flowHandler({ action: 'INIT' });

/** Handles `BACK` (a screen with `refresh_on_back: true`); without `screen`, from any screen. Low-level form: flows use `flow.back(...)`. */
export const FlowBack = <Screen extends string>(screen?: Screen): MethodDecorator => flowHandler({ action: 'BACK', screen });

/** Optional hook called with client error notifications (the core acknowledges them). */
export const FlowErrorNotification = (): MethodDecorator => flowHandler({ action: 'error_notification' });

/**
 * Called once per completed flow (the `nfm_reply` webhook), in the transaction that stores the
 * submission. Receive it with `@Completion()`.
 */
export const FlowCompletion = (): MethodDecorator => flowHandler({ action: 'completion' });

const handlerContext = (ctx: ExecutionContext) => ctx.getArgByIndex<FlowHandlerContext>(0);

/** Method metadata: the handler needs the session's transaction (its row locked, a manager to write through). */
const IN_SESSION_TRANSACTION = 'flowgate:in-session-transaction';

/**
 * A parameter decorator enhancer (the second argument of Nest's createParamDecorator) for
 * parameters that read or write the session or write through the request's transaction: a handler
 * with such a parameter runs in one transaction holding its session row. A handler without one only
 * reads, and costs a single statement.
 */
export const inSessionTransaction = (target: object, key: string | symbol | undefined): void => {
  if (key !== undefined) Reflect.defineMetadata(IN_SESSION_TRANSACTION, true, target, key);
};

/** Whether a handler method runs in the session's transaction (see inSessionTransaction). */
export function runsInSessionTransaction(prototype: object, method: string): boolean {
  return Reflect.getMetadata(IN_SESSION_TRANSACTION, prototype, method) === true;
}

/**
 * Most fields (object keys and array items, at any depth) a request's `data` may hold. A real
 * screen sends tens; validation and whitelisting grow faster than linearly with the key count, so
 * a flood of keys is refused before the DTO pipe sees it.
 */
export const MAX_DATA_FIELDS = 1_000;

/** Counts fields up to the bound (never walks more than MAX_DATA_FIELDS of them). */
function exceedsFieldBound(data: unknown): boolean {
  let fields = 0;
  const pending: unknown[] = [data];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) continue;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (++fields > MAX_DATA_FIELDS) return true;
      pending.push((value as Record<string, unknown>)[key]);
    }
  }
  return false;
}

const boundDataFields: PipeTransform = {
  transform(value: unknown) {
    if (exceedsFieldBound(value)) {
      throw new BadRequestException(`This form sent too many fields (more than ${MAX_DATA_FIELDS}). Please go back and try again.`);
    }
    return value;
  },
};

// class-validator's rules, with each DTO's metadata looked up once (see compiled-validation.ts).
const validateFlowData = new CompiledValidationPipe({
  validateCustomDecorators: true,
  transform: true,
  whitelist: true,
  forbidUnknownValues: false,
});

/** The request's `data`, validated against the parameter's class (class-validator DTO). */
export const FlowData = (...pipes: Array<Type<PipeTransform> | PipeTransform>): ParameterDecorator =>
  createParamDecorator((_: unknown, ctx: ExecutionContext) => handlerContext(ctx).request.data ?? {})(boundDataFields, validateFlowData, ...pipes);

/** The request's flow token. */
export const FlowToken = createParamDecorator((_: unknown, ctx: ExecutionContext) => handlerContext(ctx).request.flow_token);

/** The flow-token session: read and update its state (the handler runs in the session's transaction). */
export const CurrentSession = createParamDecorator((_: unknown, ctx: ExecutionContext) => handlerContext(ctx).session, [inSessionTransaction]);

/**
 * The `EntityManager` of the transaction the request runs in (in a `@FlowCompletion()` handler, the
 * completion's). Every query of a handler goes through it: its writes commit with the session's
 * changes (and a completion's claim) or not at all, and it never waits for a second connection.
 */
export const FlowTransaction = createParamDecorator((_: unknown, ctx: ExecutionContext) => handlerContext(ctx).manager, [inSessionTransaction]);

/**
 * The name of the tenant the request (or completion) is for (TENANTS_DIR: `/flows/<tenant>/<flow>`),
 * or undefined on the single-tenant endpoint: one flow serving several WABAs can tell them apart.
 */
export const FlowTenant = createParamDecorator((_: unknown, ctx: ExecutionContext) => handlerContext(ctx).tenant);

/** The whole decrypted request. */
export const CurrentFlowRequest = createParamDecorator((_: unknown, ctx: ExecutionContext) => handlerContext(ctx).request);

/** The completion event, in a `@FlowCompletion()` handler. */
export const Completion = createParamDecorator((_: unknown, ctx: ExecutionContext) => handlerContext(ctx).completion);
