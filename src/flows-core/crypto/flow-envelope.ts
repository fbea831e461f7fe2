/** The three base64 fields WhatsApp posts to the data endpoint. */
export interface FlowEnvelope {
  encrypted_flow_data: string;
  encrypted_aes_key: string;
  initial_vector: string;
}

export const ENVELOPE_FIELDS = ['encrypted_flow_data', 'encrypted_aes_key', 'initial_vector'] as const;

// Standard base64 with padding, as WhatsApp sends it; Buffer.from() alone would silently skip junk.
// A length that is a multiple of 4 plus this plain character run is the same rule as the grouped
// pattern, at a fraction of its cost on every request.
const BASE64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;
const isBase64 = (value: string) => value.length % 4 === 0 && BASE64_CHARS.test(value);

export { isPlainObject } from '../../http/plain-object.js';

/** Names the first envelope field that is missing, empty, not a string or not base64; undefined when valid. */
export function invalidEnvelopeField(body: Record<string, unknown>): string | undefined {
  return ENVELOPE_FIELDS.find((field) => {
    const value = body[field];
    return typeof value !== 'string' || value.length === 0 || !isBase64(value);
  });
}
