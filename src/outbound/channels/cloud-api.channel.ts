import { BadRequestException, Injectable } from '@nestjs/common';
import { GraphApiClient } from '../../graph-api/index.js';
import type { MessageChannel } from './message-channel.js';

export interface FlowMessage {
  to: string;
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

/** WhatsApp Cloud API: interactive flow messages, and text. */
@Injectable()
export class CloudApiChannel implements MessageChannel {
  readonly name = 'cloud';

  constructor(private readonly graph: GraphApiClient) {}

  async sendFlow(message: FlowMessage): Promise<{ messageId?: string }> {
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
    return this.post({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: message.to,
      type: 'interactive',
      interactive: {
        type: 'flow',
        ...(message.header ? { header: { type: 'text', text: message.header } } : {}),
        body: { text: message.body },
        ...(message.footer ? { footer: { text: message.footer } } : {}),
        action: { name: 'flow', parameters },
      },
    });
  }

  sendText(to: string, text: string): Promise<{ messageId?: string }> {
    return this.post({ messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body: text } });
  }

  private async post(payload: Record<string, unknown>): Promise<{ messageId?: string }> {
    const { accessToken, phoneNumberId } = this.graph.settings;
    if (!accessToken || !phoneNumberId) {
      throw new BadRequestException('Sending through the Cloud API needs WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID');
    }
    const answer = await this.graph.request<{ messages?: Array<{ id?: string }> }>('POST', `${phoneNumberId}/messages`, { json: payload });
    return { messageId: answer?.messages?.[0]?.id };
  }
}
