import { FlowResponse } from './flow-response.js';
import { FlowBack, FlowInit, FlowScreen } from './routing/flow.decorators.js';

/**
 * The types `npm run flow:types` generates from a flow's Flow JSON (`<name>.flow-types.ts`): per
 * screen the data it declares, and what its data_exchange actions send.
 */
export interface FlowTypes {
  screens: object;
  payloads: object;
  completion: object;
}

type ScreenId<T extends FlowTypes> = keyof T['screens'] & string;
type DataOf<T extends FlowTypes, S extends ScreenId<T>> = T['screens'][S];
/** Screens with at least one data_exchange action (the only ones a handler can answer). */
type ExchangeScreen<T extends FlowTypes> = {
  [S in keyof T['payloads']]: [T['payloads'][S]] extends [never] ? never : S;
}[keyof T['payloads']] &
  string;

/** `Actual` when it has no key `Expected` lacks; otherwise a type whose name says which keys to remove. */
type Exactly<Expected, Actual, Where extends string> = [Exclude<keyof Actual, keyof Expected>] extends [never]
  ? Actual
  : { [K in `ERROR: not declared by ${Where}, remove these keys`]: Exclude<keyof Actual, keyof Expected> };

type HandlerFor<Payload> = (payload: Payload, ...rest: never[]) => unknown;
/** INIT and BACK carry no payload: any parameters (session, transaction, token). */
type AnyHandler = (...rest: never[]) => unknown;

/**
 * The way to write a flow: its handler decorators and replies, typed by its generated types
 * (`npm run flow:types`). `navigate` to a screen the Flow JSON does not have, a missing or extra data
 * key or a wrong type, a handler for a screen without data_exchange, a BACK handler for a screen that
 * does not exist, and a handler whose payload parameter does not accept what the screen sends, are
 * compile errors.
 *
 *   const flow = typedFlow<InventoryFlowTypes>();
 *   @flow.init() open() { return flow.navigate('INVENTORY', {...}); }
 *   @flow.screen('AVAILABILITY') reserve(@FlowData() data: ReserveDto) { return flow.navigate('RESULTS', {...}); }
 *   @flow.back('RESULTS') back() { return flow.navigate('RESULTS', {...}); }
 *
 * Built on @FlowScreen, @FlowInit and @FlowBack (the untyped, low-level form).
 * `Completion` types `complete` params when the endpoint (not the Flow JSON) completes the flow.
 */
export function typedFlow<T extends FlowTypes, Completion extends object = T['completion']>() {
  return {
    /** Handles data_exchange from `screen`; the handler's first parameter receives the screen's payload. */
    screen<S extends ExchangeScreen<T>>(screen: S) {
      const decorator = FlowScreen(screen);
      return <M extends HandlerFor<T['payloads'][S]>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
        decorator(target, key, descriptor);
      };
    },

    /** Handles INIT: the flow was opened with `flow_action: data_exchange`; answer its first screen. */
    init() {
      const decorator = FlowInit();
      return <M extends AnyHandler>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
        decorator(target, key, descriptor);
      };
    },

    /** Handles BACK (a screen with `refresh_on_back: true`) from `screen`; without one, from any screen. */
    back<S extends ScreenId<T>>(screen?: S) {
      const decorator = FlowBack(screen);
      return <M extends AnyHandler>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
        decorator(target, key, descriptor);
      };
    },

    /** Show `screen` with exactly the data it declares. */
    navigate<S extends keyof T['screens'] & string, D extends DataOf<T, S>>(screen: S, data: Exactly<DataOf<T, S>, D, `screen ${S}`>): FlowResponse {
      return FlowResponse.navigate(screen, data as Record<string, unknown>);
    },

    /** Stay on the current screen (or `screen`, with its data) and show `message`. */
    error<S extends keyof T['screens'] & string>(message: string, options: { screen?: S; data?: DataOf<T, S> } = {}): FlowResponse {
      return FlowResponse.error(message, options as { screen?: string; data?: Record<string, unknown> });
    },

    /** Close the flow with exactly the completion params. */
    complete<P extends Completion>(params: Exactly<Completion, P, 'the completion params'>): FlowResponse {
      return FlowResponse.complete(params as Record<string, unknown>);
    },
  };
}
