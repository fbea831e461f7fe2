import type { WhatsAppUser } from '../../flows-core/server.js';

/** Where a message goes: a phone number, a business-scoped user id, or both (Meta uses the phone number then). */
export type Recipient = WhatsAppUser;

/** Something that can deliver a plain text message to a WhatsApp user. */
export interface MessageChannel {
  readonly name: 'cloud' | 'wasender';
  /** Sends `text` to the recipient; returns the provider's message id when it gives one. */
  sendText(to: Recipient, text: string): Promise<{ messageId?: string }>;
}
