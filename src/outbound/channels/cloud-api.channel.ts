import { BadRequestException, Injectable } from '@nestjs/common';
import { GraphApiClient } from '../../graph-api/index.js';
import type { MessageChannel, Recipient } from './message-channel.js';

export interface FlowMessage {
  to: Recipient;
  flowToken: string;
  flowId?: string;
  flowName?: string;
  cta: string;
  body: string;
  header?: string;
  footer?: string;
  /** With a screen: `flow_action: navigate` to it; without: `data_exchange` (the endpoint gets INIT). */
  screen?: string;
  data?: Record<string, unknown>;
  mode?: 'published' | 'draft';
}

/** What the Cloud API answers a send with. */
interface MessagesAnswer {
  contacts?: Array<{ input?: string; wa_id?: string; user_id?: string }>;
  messages?: Array<{ id?: string }>;
}

/** A sent message: its id, and whom Meta delivered it to (`wa_id` for a phone send, `user_id` for a BSUID send). */
export interface SentMessage {
  messageId?: string;
  waId?: string;
  userId?: string;
}

/**
 * The Messages API's addressing: `to` for a phone number, `recipient` for a business-scoped user id
 * or parent one (Meta, "Business-scoped user IDs"). Both may go: Meta then uses `to`.
 */
function addressed(to: Recipient): { to?: string; recipient?: string } {
  return { ...(to.phone ? { to: to.phone } : {}), ...(to.userId ? { recipient: to.userId } : {}) };
}

/** Who a message goes out as: a tenant's phone number id and Graph API token (default: WHATSAPP_*). */
export interface CloudSender {
  phoneNumberId: string;
  accessToken: string;
}

/** WhatsApp Cloud API: interactive flow messages, and text. */
@Injectable()
export class CloudApiChannel implements MessageChannel {
  readonly name = 'cloud';

  constructor(private readonly graph: GraphApiClient) {}

  async sendFlow(message: FlowMessage, sender?: CloudSender): Promise<SentMessage> {
    const parameters: Record<string, unknown> = {
      flow_message_version: '3',
      flow_token: message.flowToken,
      ...(message.flowId ? { flow_id: message.flowId } : { flow_name: message.flowName }),
      flow_cta: message.cta,
      mode: message.mode ?? 'published',
      flow_action: message.screen ? 'navigate' : 'data_exchange',
      ...(message.screen
        ? { flow_action_payload: { screen: message.screen, ...(message.data && Object.keys(message.data).length ? { data: message.data } : {}) } }
        : {}),
    };
    return this.post(
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        ...addressed(message.to),
        type: 'interactive',
        interactive: {
          type: 'flow',
          ...(message.header ? { header: { type: 'text', text: message.header } } : {}),
          body: { text: message.body },
          ...(message.footer ? { footer: { text: message.footer } } : {}),
          action: { name: 'flow', parameters },
        },
      },
      sender,
    );
  }

  sendText(to: Recipient, text: string, sender?: CloudSender): Promise<{ messageId?: string }> {
    return this.post({ messaging_product: 'whatsapp', recipient_type: 'individual', ...addressed(to), type: 'text', text: { body: text } }, sender);
  }

  private async post(payload: Record<string, unknown>, sender?: CloudSender): Promise<SentMessage> {
    let graph = this.graph;
    if (sender) {
      // A tenant's number with the tenant's token; the rest of the settings (base URL, retries) are shared.
      graph = new GraphApiClient({ ...this.graph.settings, ...sender });
    } else if (!this.graph.settings.accessToken || !this.graph.settings.phoneNumberId) {
      throw new BadRequestException('Sending through the Cloud API needs WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID');
    }
    const answer = await graph.request<MessagesAnswer>('POST', `${graph.settings.phoneNumberId}/messages`, { json: payload });
    // contacts[0]: `wa_id` for a send to a phone number, `user_id` for one to a BSUID (only `recipient` given).
    const contact = answer?.contacts?.[0];
    return {
      messageId: answer?.messages?.[0]?.id,
      ...(typeof contact?.wa_id === 'string' ? { waId: contact.wa_id } : {}),
      ...(typeof contact?.user_id === 'string' ? { userId: contact.user_id } : {}),
    };
  }
}
