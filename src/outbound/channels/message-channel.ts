/** Something that can deliver a plain text message to a WhatsApp user. */
export interface MessageChannel {
  readonly name: 'cloud' | 'wasender';
  /** Sends `text` to `to` (E.164); returns the provider's message id when it gives one. */
  sendText(to: string, text: string): Promise<{ messageId?: string }>;
}
