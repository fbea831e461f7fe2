import { randomUUID } from 'node:crypto';
import { BadRequestException, HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { FlowTokenRejectedError } from '../flow-errors.js';
import { isErrorNotification, SUPPORTED_VERSIONS, type FlowRequest } from '../flow-request.js';
import { FlowResponse } from '../flow-response.js';
import { redactPhoneNumbers } from '../../logging/redact-phone-numbers.js';
import { asFlow } from '../../metrics/flow-attribution.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { flowsConfig } from '../flows.config.js';
import type { FlowSession } from '../sessions/flow-session.js';
import { FlowSessions, type SessionEnd } from '../sessions/flow-sessions.service.js';
import { FlowRegistry, type RegisteredFlow, type RegisteredHandler } from './flow-registry.js';
import { BUDGET_EXCEEDED, ResponseBudget } from './response-budget.js';

export const USER_MESSAGES = {
  unexpected: 'Something went wrong on our side. Please try again.',
  slow: 'This is taking longer than usual. Please try again in a moment.',
  unavailable: 'This step is not available right now. Please try again later.',
} as const;

type WireReply = Record<string, unknown>;

/** How a request ended, for metrics. */
export type FlowOutcome = 'ok' | 'client_error_ack' | 'error_message' | 'budget_exceeded' | 'contract_violation';

export interface Dispatched {
  body: WireReply;
  outcome: FlowOutcome;
  /** The request's screen when the Flow JSON declares it, `unknown` when it does not, '' when absent. */
  screen: string;
}

/** A value from the request, cut short for a log line or an error: the client chooses its size. */
function clipped(value: unknown, max = 64): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return text.length > max ? `${text.slice(0, max)}…` : text;
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

/**
 * Turns a decrypted request into the plaintext reply: built-ins (ping, error notifications),
 * token policy, the handler for the action and screen, and every failure as a screen the user can read.
 */
@Injectable()
export class FlowRouter {
  private readonly logger = new Logger(FlowRouter.name);

  constructor(
    private readonly registry: FlowRegistry,
    private readonly sessions: FlowSessions,
    private readonly metrics: Metrics,
    @Inject(flowsConfig.KEY) private readonly config: ConfigType<typeof flowsConfig>,
  ) {}

  async dispatch(flowName: string, request: FlowRequest): Promise<Dispatched> {
    const flow = this.registry.get(flowName)!;
    const screen = typeof request.screen === 'string' && request.screen ? (flow.contract.hasScreen(request.screen) ? request.screen : 'unknown') : '';
    const done = (body: WireReply, outcome: FlowOutcome): Dispatched => ({ body, outcome, screen });
    if (request.version !== undefined && !SUPPORTED_VERSIONS.includes(request.version)) {
      throw new BadRequestException(`Unsupported version "${clipped(request.version)}"; expected ${SUPPORTED_VERSIONS.join(' or ')}`);
    }
    if (request.action === 'ping') return done({ data: { status: 'active' } }, 'ok');
    if (isErrorNotification(request)) return done(await this.acknowledgeErrorNotification(flow, request), 'client_error_ack');
    if (!['INIT', 'BACK', 'data_exchange'].includes(request.action)) {
      throw new BadRequestException(`Unknown action "${clipped(request.action)}"`);
    }

    // Errors are shown on the screen the user is on; a screen the Flow JSON does not know falls back to the entry.
    const fromScreen = request.action === 'INIT' ? undefined : request.screen;
    const currentScreen = fromScreen && flow.contract.hasScreen(fromScreen) ? fromScreen : flow.contract.entryScreen;
    let session: FlowSession | undefined;
    const answer = (response: FlowResponse) =>
      response.toWire(currentScreen, request.flow_token, session?.screenData(response.targetScreen(currentScreen)));

    // Everything the request does against the database, from the session lookup to the commit, runs
    // inside the budget; work that outlives it is abandoned (its connection closed, so it rolls back),
    // never committed after the answer.
    const budget = new ResponseBudget(this.config.responseBudgetMs);
    const work = this.sessions.withSession(
      flowName,
      request.flow_token,
      flow.metadata.tokens,
      async (opened, manager): Promise<SessionEnd<Dispatched>> => {
        session = opened;
        const handler = this.registry.handlerFor(flow, request.action, request.screen);
        if (!handler) {
          this.logger.warn(`Flow "${flowName}" has no handler for ${request.action} on screen "${clipped(request.screen)}"`);
          return { value: done(answer(FlowResponse.error(USER_MESSAGES.unavailable)), 'error_message'), end: 'rollback' };
        }
        const started = performance.now();
        const result = await asFlow(flowName, () => handler.invoke({ flow: flowName, request, session: opened, manager }));
        this.metrics.handlerDuration.observe({ flow: flowName }, (performance.now() - started) / 1000);
        const response = this.toFlowResponse(result, handler);
        const wire = answer(response);
        const violations = this.config.contractCheck === 'off' ? [] : flow.contract.violations(fromScreen, wire);
        if (violations.length > 0) {
          this.logger.error(
            `Contract violation by ${handler.location} (${clipped(fromScreen ?? request.action)} → ${wire.screen}), checked against ${flow.flowJsonFile}: ${violations.join('; ')}`,
          );
          // What the handler wrote goes with the answer it gave: an answer replaced by an error screen commits nothing.
          if (this.config.contractCheck === 'enforce') {
            return { value: done(answer(FlowResponse.error(USER_MESSAGES.unexpected)), 'contract_violation'), end: 'rollback' };
          }
        }
        const outcome: FlowOutcome = violations.length > 0 ? 'contract_violation' : response.kind === 'error' ? 'error_message' : 'ok';
        if (response.kind === 'complete') return { value: done(wire, outcome), end: 'complete' };
        const { error_message: _, ...shown } = wire.data;
        return { value: done(wire, outcome), end: 'keep', screen: { id: wire.screen, data: shown } };
      },
      { signal: budget.signal, mayCommit: () => budget.claimCommit() },
    );
    try {
      const result = await budget.race(work);
      if (result !== BUDGET_EXCEEDED) return result;
      const what = `${request.action}${request.screen ? ` on screen "${clipped(request.screen)}"` : ''}`;
      this.logger.warn(`Flow "${flowName}" ${what} exceeded the ${budget.ms} ms budget; its work is rolled back`);
      work.catch((error: Error) => this.logger.warn(`Flow "${flowName}" ${what} failed after the budget: ${error.message}`));
      return done(answer(FlowResponse.error(USER_MESSAGES.slow)), 'budget_exceeded');
    } catch (error) {
      if (error instanceof FlowTokenRejectedError) throw error;
      return done(answer(FlowResponse.error(this.userMessageFor(flowName, request, error))), 'error_message');
    }
  }

  private async acknowledgeErrorNotification(flow: RegisteredFlow, request: FlowRequest): Promise<WireReply> {
    const data = request.data ?? {};
    const key = String(data.error ?? '');
    this.metrics.clientErrors.inc({ flow: flow.metadata.name, error: KNOWN_CLIENT_ERRORS.has(key) ? key : key ? 'other' : 'uncategorised' });
    // What the client reports can quote what the user typed, a phone number included: masked, before clipping.
    const reported = typeof data.error_message === 'string' ? redactPhoneNumbers(data.error_message) : data.error_message;
    this.logger.warn(
      redactPhoneNumbers(
        `Client error notification on flow "${flow.metadata.name}" (action ${clipped(request.action)}, screen "${clipped(request.screen)}"): ` +
          `${clipped(data.error)} ${clipped(reported, 500)}`.trim(),
      ),
    );
    const hook = flow.handlers.get('error_notification');
    if (hook) {
      await hook
        .invoke({ flow: flow.metadata.name, request, session: undefined as never, manager: undefined as never })
        .catch((error: Error) => this.logger.error(`${hook.location} failed: ${error.message}`));
    }
    return { data: { acknowledged: true } };
  }

  private toFlowResponse(result: unknown, handler: RegisteredHandler): FlowResponse {
    if (result instanceof FlowResponse) return result;
    throw new Error(`${handler.location} returned ${typeof result}; flow handlers return a FlowResponse`);
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
