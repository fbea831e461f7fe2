import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { FlowMedia } from '../../flow-media/index.js';
import { FlowSessions } from '../../flows-core/index.js';
import { FlowRegistry } from '../../flows-core/server.js';
import { PermanentWebhookError } from './webhook-errors.js';
import { toJsonb } from '../../database/jsonb.js';

interface NfmMessage {
  id: string;
  from?: string;
  interactive?: { type?: string; nfm_reply?: { response_json?: unknown; name?: string } };
}

export function isNfmReply(message: unknown): message is NfmMessage {
  const m = message as NfmMessage | undefined;
  return m?.interactive?.type === 'nfm_reply';
}

/**
 * A completed flow: stores the submission once per message, marks the session completed (its token
 * gets 427 from then on) and calls the flow's @FlowCompletion() handler, all in the caller's
 * transaction, so a redelivery or a retry after a crash changes nothing.
 */
@Injectable()
export class NfmReplyHandler {
  private readonly logger = new Logger(NfmReplyHandler.name);

  constructor(
    private readonly registry: FlowRegistry,
    private readonly sessions: FlowSessions,
    private readonly media: FlowMedia,
  ) {}

  async handle(message: NfmMessage, manager: EntityManager): Promise<void> {
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
    const flowToken = typeof params.flow_token === 'string' ? params.flow_token : undefined;
    const session = flowToken ? await this.sessions.lockForCompletion(manager, flowToken) : undefined;

    const inserted: Array<{ id: string }> = await manager.query(
      `INSERT INTO flow_submissions (flow, flow_token, phone, message_id, response)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (message_id) DO NOTHING RETURNING id`,
      [session?.flow ?? null, flowToken ?? null, message.from ?? null, message.id, toJsonb(params)],
    );
    if (inserted.length === 0) return; // this message was recorded before
    if (!session) {
      this.logger.warn(`Flow completion ${message.id} names no known flow session; stored without a flow`);
      return;
    }
    // Media fields (PhotoPicker / DocumentPicker ids) are recorded once with the submission and fetched in the background.
    await this.media.recordCompletion(manager, { flow: session.flow, flowToken: session.token, messageId: message.id, response: params });
    const handler = this.registry.get(session.flow)?.handlers.get('completion');
    // The handler's session writes are saved with the completion, in this transaction, which holds the row.
    await handler?.invoke({
      flow: session.flow,
      request: { action: 'complete', flow_token: flowToken },
      session,
      manager,
      completion: { response: params, flowToken, phone: message.from, messageId: message.id, manager },
    });
    await this.sessions.completeIn(manager, session);
  }
}
