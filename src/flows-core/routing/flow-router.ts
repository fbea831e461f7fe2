import { randomBytes, randomUUID } from 'node:crypto';
import { BadRequestException, HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import { FlowEndpointError, FlowReplayRefusedError, ReplayedFlowAnswer } from '../flow-errors.js';
import { FLOW_ACTIONS, isErrorNotification, SUPPORTED_VERSIONS, type FlowRequest } from '../flow-request.js';
import { FlowResponse, type FlowData } from '../flow-response.js';
import { redactPhoneNumbers } from '../../logging/redact-phone-numbers.js';
import { redactUserIds } from '../../logging/redact-user-ids.js';
import { asFlow } from '../../metrics/flow-attribution.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { inSpan, type SpanNotes } from '../../tracing/index.js';
import { flowsConfig } from '../flows.config.js';
import { EnvelopeClaims } from '../replay/envelope-replay.js';
import type { AppSecrets } from '../../hub-signature/index.js';
import type { FlowSession } from '../sessions/flow-session.js';
import { FlowSessions, type AnswerEnd, type EnvelopeId } from '../sessions/flow-sessions.service.js';
import { FlowRegistry, type RegisteredFlow, type RegisteredHandler } from './flow-registry.js';
import { BUDGET_EXCEEDED, ResponseBudget } from './response-budget.js';
import { FlowTokenSignatures } from './flow-token-signatures.js';

export const USER_MESSAGES = {
  unexpected: 'Something went wrong on our side. Please try again.',
  slow: 'This is taking longer than usual. Please try again in a moment.',
  unavailable: 'This step is not available right now. Please try again later.',
} as const;

type WireReply = { screen: string; data: FlowData };

/** How a request ended, for metrics. */
export type FlowOutcome = 'ok' | 'client_error_ack' | 'error_message' | 'budget_exceeded' | 'contract_violation';

/** The envelope of the request being answered, and how to encrypt its answer (the crypto interceptor's). */
export interface Sealing {
  envelope?: EnvelopeId;
  /** `serialised`: the reply as JSON text, when the caller already has it (it is then not serialised again). */
  seal(reply: object, serialised?: string): string;
  /**
   * Set on a tenant's endpoint (`/flows/<tenant>/<flow>`): the tenant's name, which its sessions
   * carry, and its app secrets, which sign its flow tokens. Absent on the single-tenant endpoint.
   */
  tenant?: { name: string; secrets: AppSecrets };
}

/**
 * For calling the router without HTTP (handler tests): a fresh envelope identity, and answers
 * "sealed" as plain JSON text.
 */
export function plainSealing(): Sealing {
  return { envelope: { keyHash: randomBytes(32), digest: randomBytes(32) }, seal: (reply, serialised) => serialised ?? JSON.stringify(reply) };
}

export interface Dispatched {
  /** The encrypted answer. */
  body: string;
  outcome: FlowOutcome;
  /** The request's screen when the Flow JSON declares it, `unknown` when it does not, '' when absent. */
  screen: string;
}

/** A value from the request, cut short for a log line or an error: the client chooses its size. */
function clipped(value: unknown, max = 64): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The action as the metrics label it: one of the protocol's, or `other`. */
const actionLabel = (request: FlowRequest): string => ((FLOW_ACTIONS as readonly string[]).includes(request.action) ? request.action : 'other');

/** A session step's span: how it reaches the database and under which token policy. */
const sessionSpan = (mode: 'transaction' | 'record' | 'screen_data', policy: 'issued' | 'any') => ({
  attributes: { 'flowgate.session.mode': mode, 'flowgate.session.policy': policy },
});

/** How an exchange that threw ended, as the metrics' outcome label says it (the status it gets). */
function failedOutcome(error: unknown): string {
  if (error instanceof ReplayedFlowAnswer) return 'replayed';
  if (error instanceof FlowEndpointError) return String(error.status);
  return error instanceof HttpException ? String(error.getStatus()) : '500';
}

/** Why the session refused a request, for its span: a replay's answer, a refusal, a token rejected (427). */
function sessionRefusal(error: unknown): string {
  if (error instanceof ReplayedFlowAnswer) return 'replayed';
  if (error instanceof FlowReplayRefusedError) return `refused_${error.reason}`;
  return error instanceof FlowEndpointError ? String(error.status) : 'error';
}

/** Client error keys WhatsApp documents; anything else is counted as `other` (labels stay bounded). */
const KNOWN_CLIENT_ERRORS = new Set([
  'payload-schema-error',
  'invalid-screen-transition',
  'response-decryption-error',
  'components-validation-error',
  'public-key-missing',
  'public-key-signiture-verification',
  'business-decryption-error',
]);

/** One request being answered: what every step needs. */
interface Exchange {
  flow: RegisteredFlow;
  request: FlowRequest;
  token: string;
  envelope: EnvelopeId;
  sealing: Sealing;
  /** The screen errors are shown on: the request's, or the entry screen when the Flow JSON does not know it. */
  currentScreen: string;
  /** The screen the request came from (undefined for INIT): the contract checks transitions from it. */
  fromScreen: string | undefined;
  /** The tenant whose endpoint was asked; null on the single-tenant endpoint. */
  tenant: string | null;
  /** The session, once a transactional request has read it: an error answer repeats the screen's data from it. */
  session?: FlowSession;
  done: (body: string, outcome: FlowOutcome) => Dispatched;
  /** The request's screen as labelled (known, `unknown` or ''), and its action: for the handler's span. */
  screenLabel: string;
  /** The exchange's span: the outcome and the budget left are noted on it. */
  notes: SpanNotes;
}

/** An answer ready to send and record: its plaintext, what it does to the session, how it ended. */
interface Answer {
  wire: WireReply;
  /** `wire` serialised, when the reply check already did (slot lists and the like are long to serialise twice). */
  text?: string;
  end: AnswerEnd;
  outcome: FlowOutcome;
}

/**
 * Turns a decrypted request into the encrypted reply: built-ins (ping, error notifications), token
 * policy, the handler for the action and screen, and every failure as a screen the user can read.
 *
 * A handler that only reads (no @CurrentSession(), no @FlowTransaction()) runs first, and its answer
 * is recorded with the session check in one statement; a handler that keeps state or writes runs in a
 * transaction holding the session row. Either way an answer is sent only once it is recorded against
 * its envelope (or held here while the database cannot take it).
 */
@Injectable()
export class FlowRouter {
  private readonly logger = new Logger(FlowRouter.name);

  constructor(
    private readonly registry: FlowRegistry,
    private readonly sessions: FlowSessions,
    private readonly claims: EnvelopeClaims,
    private readonly metrics: Metrics,
    @Inject(flowsConfig.KEY) private readonly config: ConfigType<typeof flowsConfig>,
    private readonly tokenSignatures: FlowTokenSignatures,
  ) {}

  dispatch(flowName: string, request: FlowRequest, sealing: Sealing): Promise<Dispatched> {
    // One span per exchange, labelled like the metrics: nothing the client typed, no token; a tenant's
    // endpoint adds the tenant's name (configuration, not a person).
    const attributes: Record<string, string> = { 'flowgate.flow.name': flowName, 'flowgate.flow.action': actionLabel(request) };
    if (sealing.tenant) attributes['flowgate.tenant'] = sealing.tenant.name;
    return inSpan('flow.exchange', { attributes }, (notes) =>
      this.exchange(flowName, request, sealing, notes).catch((error: unknown) => {
        notes.set('flowgate.flow.outcome', failedOutcome(error));
        throw error;
      }),
    );
  }

  private async exchange(flowName: string, request: FlowRequest, sealing: Sealing, notes: SpanNotes): Promise<Dispatched> {
    const flow = this.registry.get(flowName)!;
    const screen = typeof request.screen === 'string' && request.screen ? (flow.contract.hasScreen(request.screen) ? request.screen : 'unknown') : '';
    notes.set('flowgate.flow.screen', screen);
    const done = (body: string, outcome: FlowOutcome): Dispatched => {
      notes.set('flowgate.flow.outcome', outcome);
      return { body, outcome, screen };
    };
    if (request.version !== undefined && !SUPPORTED_VERSIONS.includes(request.version)) {
      throw new BadRequestException(`Unsupported version "${clipped(request.version)}"; expected ${SUPPORTED_VERSIONS.join(' or ')}`);
    }
    // The same plaintext every time: a replay gets the same bytes, so neither needs a record.
    if (request.action === 'ping') return done(sealing.seal({ data: { status: 'active' } }), 'ok');
    if (isErrorNotification(request)) return done(sealing.seal(await this.acknowledgeErrorNotification(flow, request)), 'client_error_ack');
    if (!['INIT', 'BACK', 'data_exchange'].includes(request.action)) {
      throw new BadRequestException(`Unknown action "${clipped(request.action)}"`);
    }
    this.sessions.assertTokenShape(request.flow_token);
    // Data API 4.0: the token's signature, before any database work (427 when it must not be trusted).
    this.tokenSignatures.check(flow, request, request.flow_token, sealing.tenant?.secrets);
    const fromScreen = request.action === 'INIT' ? undefined : request.screen;
    const exchange: Exchange = {
      flow,
      request,
      token: request.flow_token,
      envelope: sealing.envelope!,
      sealing,
      tenant: sealing.tenant?.name ?? null,
      fromScreen,
      currentScreen: fromScreen && flow.contract.hasScreen(fromScreen) ? fromScreen : flow.contract.entryScreen,
      done,
      screenLabel: screen,
      notes,
    };
    const handler = this.registry.handlerFor(flow, request.action, request.screen);
    if (!handler) {
      this.logger.warn(`Flow "${flowName}" has no handler for ${request.action} on screen "${clipped(request.screen)}"`);
    }
    const leave = inSpan('flow.replay_claim', undefined, (claim) => {
      try {
        const left = this.claims.enter(exchange.envelope);
        claim.set('flowgate.replay.outcome', 'claimed');
        return left;
      } catch (error) {
        claim.set(
          'flowgate.replay.outcome',
          error instanceof ReplayedFlowAnswer ? 'held_answer' : error instanceof FlowReplayRefusedError ? error.reason : 'error',
        );
        throw error;
      }
    });
    try {
      return await this.answer(exchange, handler);
    } finally {
      leave();
    }
  }

  private async answer(exchange: Exchange, handler: RegisteredHandler | undefined): Promise<Dispatched> {
    const { flow, request } = exchange;
    const flowName = flow.metadata.name;

    // Everything the request does against the database, from the session lookup to the commit, runs
    // inside the budget; work that outlives it is abandoned (a transaction's connection is closed, so
    // it rolls back), never committed after the answer.
    const budget = new ResponseBudget(this.config.responseBudgetMs);
    const work = handler?.inTransaction ? this.inTransaction(exchange, handler, budget) : this.lockFree(exchange, handler, budget);
    const result = await budget.race(work);
    exchange.notes.set('flowgate.budget.ms', budget.ms);
    exchange.notes.set('flowgate.budget.remaining_ms', budget.remainingMs());
    if (result !== BUDGET_EXCEEDED) return result;
    const what = `${request.action}${request.screen ? ` on screen "${clipped(request.screen)}"` : ''}`;
    this.logger.warn(`Flow "${flowName}" ${what} exceeded the ${budget.ms} ms budget; its work is rolled back`);
    work.catch((error: Error) => this.logger.warn(`Flow "${flowName}" ${what} failed after the budget: ${error.message}`));
    // The database may be what is slow: the answer is recorded in the background, held here meanwhile.
    return this.sendUnrecorded(exchange, this.errorAnswer(exchange, USER_MESSAGES.slow, undefined, 'budget_exceeded'));
  }

  /** A handler that only reads: it runs, then one statement checks the session and records its answer. */
  private async lockFree(exchange: Exchange, handler: RegisteredHandler | undefined, budget: ResponseBudget): Promise<Dispatched> {
    const { flow, request } = exchange;
    let answer: Answer;
    if (!handler) {
      answer = this.errorAnswer(exchange, USER_MESSAGES.unavailable, await this.rememberedData(exchange, exchange.currentScreen));
    } else {
      try {
        answer = await this.answerOf(exchange, handler, await this.invoke(exchange, handler), (screen) => this.rememberedData(exchange, screen));
      } catch (error) {
        if (error instanceof FlowEndpointError) throw error;
        answer = this.errorAnswer(
          exchange,
          this.userMessageFor(flow.metadata.name, request, error),
          await this.rememberedData(exchange, exchange.currentScreen),
        );
      }
    }
    // Past the budget the user was answered "please try again" already: nothing is recorded after it.
    if (!budget.claimCommit()) return exchange.done('', answer.outcome);
    return this.record(exchange, answer);
  }

  /** A handler that keeps state or writes: it runs in the transaction holding the session row. */
  private async inTransaction(exchange: Exchange, handler: RegisteredHandler, budget: ResponseBudget): Promise<Dispatched> {
    const { flow, request, token } = exchange;
    let fallback: Answer;
    try {
      const { value, recorded } = await inSpan('flow.session', sessionSpan('transaction', flow.metadata.tokens), (notes) =>
        this.sessions
          .withSession(
            flow.metadata.name,
            token,
            flow.metadata.tokens,
            exchange.envelope,
            async (opened, manager) => {
              exchange.session = opened;
              const answer = await this.answerOf(exchange, handler, await this.invoke(exchange, handler, opened, manager), (screen) =>
                opened.screenData(screen),
              );
              // An answer replaced by an error screen commits nothing of what the handler wrote.
              if (answer.outcome === 'contract_violation' && this.config.contractCheck === 'enforce') return { value: answer, end: 'rollback' };
              const body = exchange.sealing.seal(answer.wire, answer.text);
              if (answer.end.complete) return { value: { ...answer, body }, end: 'complete', body };
              return { value: { ...answer, body }, end: 'keep', body, screen: answer.end.screen };
            },
            { signal: budget.signal, mayCommit: () => budget.claimCommit(), tenant: exchange.tenant },
          )
          .then(
            (ran) => {
              notes.set('flowgate.session.outcome', ran.recorded ? 'recorded' : 'not_recorded');
              return ran;
            },
            (error: unknown) => {
              notes.set('flowgate.session.outcome', sessionRefusal(error));
              throw error;
            },
          ),
      );
      if (recorded) return exchange.done((value as Answer & { body: string }).body, value.outcome);
      fallback = value;
    } catch (error) {
      if (error instanceof FlowEndpointError) throw error;
      fallback = this.errorAnswer(exchange, this.userMessageFor(flow.metadata.name, request, error));
    }
    // Rolled back: the error answer is recorded on its own (the session stays open).
    if (!budget.claimCommit()) return exchange.done('', fallback.outcome);
    return this.record(exchange, fallback);
  }

  /** Seals `answer`, records it against the envelope with the session check, and returns it. */
  private async record(exchange: Exchange, answer: Answer): Promise<Dispatched> {
    const { flow, token, envelope } = exchange;
    const body = exchange.sealing.seal(answer.wire, answer.text);
    try {
      await inSpan('flow.session', sessionSpan('record', flow.metadata.tokens), (notes) =>
        this.sessions.record(flow.metadata.name, token, flow.metadata.tokens, envelope, body, answer.end, exchange.tenant).then(
          () => notes.set('flowgate.session.outcome', 'recorded'),
          (error: unknown) => {
            notes.set('flowgate.session.outcome', sessionRefusal(error));
            throw error;
          },
        ),
      );
      return exchange.done(body, answer.outcome);
    } catch (error) {
      if (error instanceof FlowEndpointError) throw error;
      this.logger.warn(`Flow "${flow.metadata.name}": the answer could not be recorded (${(error as Error).message}); answering "please try again"`);
      return this.sendUnrecorded(exchange, this.errorAnswer(exchange, USER_MESSAGES.unexpected, undefined));
    }
  }

  /** An error screen sent while the database cannot record it: held here, recorded when it can be. */
  private sendUnrecorded(exchange: Exchange, answer: Answer): Dispatched {
    const { flow, token, envelope } = exchange;
    const body = exchange.sealing.seal(answer.wire, answer.text);
    this.claims.hold({ flow: flow.metadata.name, token, policy: flow.metadata.tokens, envelope, body, end: answer.end, tenant: exchange.tenant });
    return exchange.done(body, answer.outcome);
  }

  private async invoke(exchange: Exchange, handler: RegisteredHandler, session?: FlowSession, manager?: EntityManager): Promise<unknown> {
    const name = exchange.flow.metadata.name;
    const attributes = {
      'flowgate.flow.name': name,
      'flowgate.flow.screen': exchange.screenLabel,
      'flowgate.flow.action': actionLabel(exchange.request),
    };
    return inSpan('flow.handler', { attributes }, async (notes) => {
      const started = performance.now();
      const tenant = exchange.tenant ?? undefined;
      const result = await asFlow(name, () => handler.invoke({ flow: name, request: exchange.request, session, manager, tenant })).catch(
        (error: unknown) => {
          notes.set('flowgate.handler.outcome', 'threw');
          throw error;
        },
      );
      this.metrics.handlerDuration.observe({ flow: name }, (performance.now() - started) / 1000);
      notes.set('flowgate.handler.outcome', result instanceof FlowResponse ? result.kind : 'not_a_flow_response');
      return result;
    });
  }

  /** The handler's result as an answer, checked against the Flow JSON. */
  private async answerOf(
    exchange: Exchange,
    handler: RegisteredHandler,
    result: unknown,
    remembered: (screen: string) => FlowData | undefined | Promise<FlowData | undefined>,
  ): Promise<Answer> {
    const { flow, request, token, currentScreen, fromScreen } = exchange;
    if (!(result instanceof FlowResponse)) throw new Error(`${handler.location} returned ${typeof result}; flow handlers return a FlowResponse`);
    const target = result.targetScreen(currentScreen);
    const wire = result.toWire(currentScreen, token, result.kind === 'error' ? await remembered(target) : undefined);
    const text = this.config.contractCheck === 'off' ? undefined : JSON.stringify(wire);
    const violations = text === undefined ? [] : flow.contract.violations(fromScreen, wire, text);
    if (violations.length > 0) {
      this.logger.error(
        `Contract violation by ${handler.location} (${clipped(fromScreen ?? request.action)} → ${wire.screen}), checked against ${flow.flowJsonFile}: ${violations.join('; ')}`,
      );
      if (this.config.contractCheck === 'enforce') {
        return this.errorAnswer(exchange, USER_MESSAGES.unexpected, await remembered(currentScreen), 'contract_violation');
      }
    }
    const outcome: FlowOutcome = violations.length > 0 ? 'contract_violation' : result.kind === 'error' ? 'error_message' : 'ok';
    if (result.kind === 'complete') return { wire, text, end: { complete: true }, outcome };
    const { error_message: _, ...shown } = wire.data;
    return { wire, text, end: { complete: false, screen: { id: wire.screen, data: shown } }, outcome };
  }

  /**
   * An error on the current screen, with the data last sent for it when known (given, or from the
   * session a transactional request read; a request past its budget does not wait for the database).
   */
  private errorAnswer(
    exchange: Exchange,
    message: string,
    remembered: FlowData | undefined = exchange.session?.screenData(exchange.currentScreen),
    outcome: FlowOutcome = 'error_message',
  ): Answer {
    const wire = FlowResponse.error(message).toWire(exchange.currentScreen, exchange.token, remembered);
    return { wire, end: { complete: false }, outcome };
  }

  /** The data last sent for `screen`, for an error shown on it (a request that holds no lock reads it only then). */
  private async rememberedData(exchange: Exchange, screen: string): Promise<FlowData | undefined> {
    return inSpan('flow.session', sessionSpan('screen_data', exchange.flow.metadata.tokens), () =>
      this.sessions.screenData(exchange.token, screen),
    ).catch(() => undefined);
  }

  private async acknowledgeErrorNotification(flow: RegisteredFlow, request: FlowRequest): Promise<{ data: { acknowledged: true } }> {
    const data = request.data ?? {};
    const key = String(data.error ?? '');
    this.metrics.clientErrors.inc({ flow: flow.metadata.name, error: KNOWN_CLIENT_ERRORS.has(key) ? key : key ? 'other' : 'uncategorised' });
    // What the client reports can quote what the user typed, a phone number included: masked, before clipping.
    const reported = typeof data.error_message === 'string' ? redactPhoneNumbers(redactUserIds(data.error_message)) : data.error_message;
    this.logger.warn(
      redactPhoneNumbers(
        `Client error notification on flow "${flow.metadata.name}" (action ${clipped(request.action)}, screen "${clipped(request.screen)}"): ` +
          `${clipped(data.error)} ${clipped(reported, 500)}`.trim(),
      ),
    );
    const hook = flow.handlers.get('error_notification');
    if (hook) {
      await hook
        .invoke({ flow: flow.metadata.name, request })
        .catch((error: Error) => this.logger.error(`${hook.location} failed: ${error.message}`));
    }
    return { data: { acknowledged: true } };
  }

  /** A readable message for the user; validation errors say what to fix, the rest is logged with an id. */
  private userMessageFor(flowName: string, request: FlowRequest, error: unknown): string {
    if (error instanceof BadRequestException) {
      const body = error.getResponse() as { message?: string | string[] };
      const messages = Array.isArray(body.message) ? body.message : [body.message ?? error.message];
      return [...new Set(messages)].join('. ');
    }
    const correlationId = randomUUID();
    const status = error instanceof HttpException ? ` (${error.getStatus()})` : '';
    this.logger.error(
      `Flow "${flowName}" ${request.action} on "${clipped(request.screen)}" failed${status} [${correlationId}]: ${(error as Error)?.stack ?? String(error)}`,
    );
    return USER_MESSAGES.unexpected;
  }
}
