import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { sendWithRetries } from '../../graph-api/index.js';
import { outboundConfig } from '../outbound.config.js';
import type { MessageChannel, Recipient } from './message-channel.js';

/** WASenderApi: plain text through a WhatsApp session, e.g. a message inviting the customer to open a flow. */
@Injectable()
export class WasenderChannel implements MessageChannel {
  readonly name = 'wasender';

  constructor(@Inject(outboundConfig.KEY) private readonly config: ConfigType<typeof outboundConfig>) {}

  async sendText(recipient: Recipient, text: string): Promise<{ messageId?: string }> {
    const { baseUrl, apiKey } = this.config.wasender;
    if (!apiKey) throw new BadRequestException('Sending through WASenderApi needs WASENDER_API_KEY');
    // A WhatsApp session sends to numbers: a business-scoped user id means nothing outside the Cloud API.
    const to = recipient.phone;
    if (!to) throw new BadRequestException('WASenderApi sends to phone numbers only: give to, or send through the Cloud API (channel cloud)');
    const answer = (await sendWithRetries({
      url: `${baseUrl}/api/send-message`,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to, text }),
      maxTotalMs: this.config.maxTotalMs,
    })) as { data?: { msgId?: string | number; id?: string | number } };
    const id = answer?.data?.msgId ?? answer?.data?.id;
    return { messageId: id === undefined ? undefined : String(id) };
  }
}
