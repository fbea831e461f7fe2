/** The three base64 fields WhatsApp posts to the data endpoint. */
export interface FlowEnvelope {
  encrypted_flow_data: string;
  encrypted_aes_key: string;
  initial_vector: string;
}

export { isPlainObject } from '../../http/plain-object.js';

/** The envelope's fields, decoded. */
export interface DecodedEnvelope {
  wrappedKey: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
}

/**
 * Standard base64 with padding, as WhatsApp sends it, decoded; undefined for anything else. Node's
 * decoder skips characters outside the alphabet and stops at padding, so junk leaves fewer bytes
 * than the length promises; it also reads the URL-safe alphabet, which WhatsApp never sends. Checked
 * on the decoded length, the rule costs nothing beyond the decoding every request needs anyway (a
 * pattern over the text cost as much again).
 */
export function strictBase64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length % 4 !== 0) return undefined;
  const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== (value.length / 4) * 3 - padding || value.includes('-') || value.includes('_')) return undefined;
  return bytes;
}

/**
 * The envelope's three fields decoded, or the name of the first one that is missing, empty, not a
 * string or not base64.
 */
export function decodeEnvelope(body: Record<string, unknown>): DecodedEnvelope | { invalid: keyof FlowEnvelope } {
  const ciphertext = strictBase64(body.encrypted_flow_data);
  if (!ciphertext) return { invalid: 'encrypted_flow_data' };
  const wrappedKey = strictBase64(body.encrypted_aes_key);
  if (!wrappedKey) return { invalid: 'encrypted_aes_key' };
  const iv = strictBase64(body.initial_vector);
  if (!iv) return { invalid: 'initial_vector' };
  return { wrappedKey, iv, ciphertext };
}
