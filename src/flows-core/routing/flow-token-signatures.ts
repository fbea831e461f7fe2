import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { AppSecrets } from '../../hub-signature/index.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { verifyTokenSignature } from '../crypto/flow-token-signature.js';
import { FlowTokenRejectedError } from '../flow-errors.js';
import type { FlowRequest } from '../flow-request.js';
import { flowsConfig } from '../flows.config.js';
import { TOKEN_MESSAGES } from '../sessions/flow-sessions.service.js';
import type { RegisteredFlow } from './flow-registry.js';

/** How a request's `flow_token_signature` was found, for the metric. */
export type TokenSignatureOutcome = 'valid' | 'invalid' | 'mismatch' | 'missing' | 'unsigned';

/** `7.3` → 703: Flow JSON versions compared as numbers. */
const versionNumber = (version: unknown) => {
  const match = typeof version === 'string' ? /^(\d+)\.(\d+)$/.exec(version) : null;
  return match ? Number(match[1]) * 100 + Number(match[2]) : 0;
};

/**
 * Data API 4.0's token signatures, checked where the token is, before any database work: Meta adds
 * `flow_token_signature` (an HS256 JWT of the flow token, signed with the app secret) to the requests
 * of flows whose Flow JSON is 7.3 or later with `data_api_version` "4.0". A signature present is
 * always verified (current app secret, then the previous one during a rotation) and must name the
 * request's `flow_token`; a 4.0 request of such a flow without one is refused too. Refusals are `427`
 * without a body: the token cannot be trusted, and an envelope refused for it gets no plaintext under
 * its key (the same envelope must never carry two different answers). `FLOW_TOKEN_SIGNATURE=log`
 * logs and counts them instead, and answers.
 */
@Injectable()
export class FlowTokenSignatures {
  private readonly logger = new Logger(FlowTokenSignatures.name);
  /** Whether Meta signs the tokens of a flow (its Flow JSON ≥ 7.3 with Data API 4.0), computed once per flow. */
  private readonly signed = new WeakMap<RegisteredFlow, boolean>();
  /** Label-bound counter children: a count costs no label lookup. */
  private readonly counters = new Map<string, { inc(): void }>();

  constructor(
    private readonly secrets: AppSecrets,
    private readonly metrics: Metrics,
    @Inject(flowsConfig.KEY) private readonly config: ConfigType<typeof flowsConfig>,
  ) {}

  /**
   * Counts the request's signature and throws 427 (no body) for one that must not be answered.
   * `secrets`: a tenant's app secrets, on its endpoint (default: the single-tenant ones).
   */
  check(flow: RegisteredFlow, request: FlowRequest, flowToken: string, secrets: AppSecrets = this.secrets): void {
    const jwt = request.flow_token_signature;
    let outcome: TokenSignatureOutcome;
    let reason: string | undefined;
    if (jwt === undefined) {
      outcome = request.version === '4.0' && this.signsTokens(flow) ? 'missing' : 'unsigned';
      reason = 'a Data API 4.0 request of a 4.0 flow carries no flow_token_signature';
    } else {
      const result = verifyTokenSignature(jwt, flowToken, secrets);
      outcome = result.outcome;
      reason =
        outcome === 'mismatch' ? 'its flow_token_signature was made for another flow token' : `its flow_token_signature is invalid: ${result.reason}`;
      if (result.signedWith === 'previous') this.logger.log(`flow_token_signature made with the previous app secret (flow "${flow.metadata.name}")`);
    }
    this.count(flow.metadata.name, outcome);
    if (outcome === 'valid' || outcome === 'unsigned') return;
    const enforced = this.config.enforceTokenSignatures;
    this.logger.warn(
      `Flow "${flow.metadata.name}" ${request.action} request: ${reason}; ${enforced ? 'answered 427' : 'answered anyway (FLOW_TOKEN_SIGNATURE=log)'}`,
    );
    if (enforced) throw new FlowTokenRejectedError(TOKEN_MESSAGES.invalid, true);
  }

  /** Meta signs the tokens of flows whose Flow JSON is 7.3 or later with data_api_version "4.0". */
  private signsTokens(flow: RegisteredFlow): boolean {
    let signs = this.signed.get(flow);
    if (signs === undefined) {
      const json = flow.contract.flowJson;
      signs = json.data_api_version === '4.0' && versionNumber(json.version) >= 703;
      this.signed.set(flow, signs);
    }
    return signs;
  }

  private count(flow: string, outcome: TokenSignatureOutcome): void {
    const key = `${flow}\u0000${outcome}`;
    let counter = this.counters.get(key);
    if (!counter) this.counters.set(key, (counter = this.metrics.flowTokenSignatures.labels({ flow, outcome })));
    counter.inc();
  }
}
