import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { FlowMedia } from '../../flow-media/index.js';
import { FlowSessions, type FlowSession } from '../../flows-core/index.js';
import { checkSender, FlowRegistry, type SenderCheck, type WhatsAppSender } from '../../flows-core/server.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { PermanentWebhookError } from './webhook-errors.js';
import { senderOf } from './sender.js';
import { toJsonb } from '../../database/jsonb.js';

interface NfmMessage {
  id: string;
  from?: string;
  from_user_id?: string;
  context?: { id?: unknown };
  interactive?: { type?: string; nfm_reply?: { response_json?: unknown; name?: string } };
}

export function isNfmReply(message: unknown): message is NfmMessage {
  const m = message as NfmMessage | undefined;
  return m?.interactive?.type === 'nfm_reply';
}

/** Why a completion did not complete its session (stored on the submission, counted). */
const REFUSALS: Partial<Record<SenderCheck, string>> = {
  mismatch: 'identity_mismatch',
  unverifiable: 'identity_unverifiable',
};

/** A completion attributed to another tenant than its token's (or one of a tenant's tokens arriving without a tenant). */
const TENANT_MISMATCH = 'tenant_mismatch';

/**
 * A completed flow: stores the submission once per message, marks the session completed (its token
 * gets 427 from then on) and calls the flow's @FlowCompletion() handler, all in the caller's
 * transaction, so a redelivery or a retry after a crash changes nothing.
 *
 * The session is the one its `response_json` names by `flow_token`, or, for a flow without a data
 * endpoint (whose completion carries no token), the one whose flow message it answers (`context.id`,
 * the message id recorded when Flowgate sent it). A completion from another person than the one the
 * token was issued to (phone number or business-scoped user id) is stored but completes nothing.
 */
@Injectable()
export class NfmReplyHandler {
  private readonly logger = new Logger(NfmReplyHandler.name);

  constructor(
    private readonly registry: FlowRegistry,
    private readonly sessions: FlowSessions,
    private readonly media: FlowMedia,
    private readonly metrics: Metrics,
  ) {}

  /**
   * `contacts` is the webhook change's `contacts[]`: who sent it, with their BSUID and username.
   * `tenant`: the tenant the event was attributed to (null: the single-tenant webhook); only a token of
   * the same tenant is completed.
   */
  async handle(message: NfmMessage, manager: EntityManager, contacts?: unknown, tenant: string | null = null): Promise<void> {
    const raw = message.interactive?.nfm_reply?.response_json;
    let response: unknown;
    try {
      response = typeof raw === 'string' ? JSON.parse(raw) : raw;
    } catch {
      throw new PermanentWebhookError(`nfm_reply.response_json of message ${message.id} is not valid JSON`);
    }
    if (!response || typeof response !== 'object' || Array.isArray(response)) {
      throw new PermanentWebhookError(`nfm_reply.response_json of message ${message.id} is not a JSON object`);
    }
    const params = response as Record<string, unknown>;
    const sender = senderOf(message as unknown as Record<string, unknown>, contacts);
    const session = await this.sessionOf(manager, message, params);
    const check = session ? checkSender(session, sender) : undefined;
    const refusal = session && session.tenant !== tenant ? TENANT_MISMATCH : check ? REFUSALS[check] : undefined;

    const inserted: Array<{ id: string }> = await manager.query(
      `INSERT INTO flow_submissions (flow, flow_token, phone, user_id, message_id, response, refusal, tenant)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (message_id) DO NOTHING RETURNING id`,
      [
        session?.flow ?? null,
        // The token named, even when it names no session (kept, as before, to trace what was sent).
        (typeof params.flow_token === 'string' && params.flow_token) || session?.token || null,
        typeof message.from === 'string' ? message.from : null,
        sender.userId ?? null,
        message.id,
        toJsonb(params),
        refusal ?? null,
        tenant,
      ],
    );
    if (inserted.length === 0) return; // this message was recorded before
    if (!session) {
      this.metrics.flowCompletions.inc({ flow: 'unknown', outcome: 'no_session' });
      this.logger.warn(`Flow completion ${inserted[0].id} names no known flow session; stored without a flow`);
      return;
    }
    if (refusal) {
      this.metrics.flowCompletions.inc({ flow: session.flow, outcome: refusal });
      // Neither side's phone number or user id goes into the line: the submission id finds the row.
      this.logger.warn(
        `Flow completion ${inserted[0].id} of flow "${session.flow}" ${
          refusal === TENANT_MISMATCH
            ? `came through ${tenant ? `tenant "${tenant}"` : 'the single-tenant webhook'}, its token is ${session.tenant ? `tenant "${session.tenant}"'s` : "no tenant's"}`
            : check === 'mismatch'
              ? 'comes from another person than the one its token was issued to'
              : 'carries nothing to compare with the person its token was issued to'
        }: stored in flow_submissions (refusal ${refusal}), the session is not completed and no completion handler runs`,
      );
      return;
    }
    await this.complete(manager, message, params, session, sender);
    this.metrics.flowCompletions.inc({ flow: session.flow, outcome: 'completed' });
  }

  /** The session named by the completion's flow token, or else the one whose flow message it answers. */
  private async sessionOf(manager: EntityManager, message: NfmMessage, params: Record<string, unknown>): Promise<FlowSession | undefined> {
    const flowToken = typeof params.flow_token === 'string' && params.flow_token ? params.flow_token : undefined;
    if (flowToken) return this.sessions.lockForCompletion(manager, flowToken);
    const contextId = message.context?.id;
    if (typeof contextId === 'string' && contextId.length > 0 && contextId.length <= 512) {
      return this.sessions.lockForCompletionOfMessage(manager, contextId);
    }
    return undefined;
  }

  private async complete(
    manager: EntityManager,
    message: NfmMessage,
    params: Record<string, unknown>,
    session: FlowSession,
    sender: WhatsAppSender,
  ): Promise<void> {
    // Media fields (PhotoPicker / DocumentPicker ids) are recorded once with the submission and fetched in the background.
    await this.media.recordCompletion(manager, { flow: session.flow, flowToken: session.token, messageId: message.id, response: params });
    const handler = this.registry.get(session.flow)?.handlers.get('completion');
    // The handler's session writes are saved with the completion, in this transaction, which holds the row.
    await handler?.invoke({
      flow: session.flow,
      request: { action: 'complete', flow_token: session.token },
      session,
      manager,
      tenant: session.tenant ?? undefined,
      completion: {
        response: params,
        flowToken: session.token,
        phone: sender.phone,
        userId: sender.userId,
        parentUserId: sender.parentUserId,
        username: sender.username,
        messageId: message.id,
        manager,
      },
    });
    await this.sessions.completeIn(manager, session, sender);
  }
}
