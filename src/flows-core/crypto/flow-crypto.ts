import { constants, createCipheriv, createDecipheriv, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import type { FlowEnvelope } from './flow-envelope.js';

// WhatsApp Flows: RSA-OAEP (SHA-256 for OAEP and MGF1) wraps an AES-128-GCM key; 16-byte IV,
// 16-byte tag appended to the ciphertext; the reply uses the same key and the bitwise-inverted IV.
const AES = 'aes-128-gcm';
const AES_KEY_BYTES = 16;
const IV_BYTES = 16;
const TAG_BYTES = 16;

export interface AesSession {
  key: Buffer;
  iv: Buffer;
}

/** Unwraps the AES key with one RSA private key; throws when the key does not fit. */
export function unwrapAesKey(encryptedAesKey: Buffer, privateKey: KeyObject): Buffer {
  const key = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, encryptedAesKey);
  if (key.length !== AES_KEY_BYTES) throw new Error(`unwrapped key has ${key.length} bytes, expected ${AES_KEY_BYTES}`);
  return key;
}

/** Decrypts and authenticates `encrypted_flow_data`; throws on a bad tag, IV or length. */
export function decryptPayload(ciphertextWithTag: Buffer, session: AesSession): Buffer {
  if (session.iv.length !== IV_BYTES) throw new Error(`IV has ${session.iv.length} bytes, expected ${IV_BYTES}`);
  if (ciphertextWithTag.length < TAG_BYTES) throw new Error('ciphertext is shorter than the GCM tag');
  const ciphertext = ciphertextWithTag.subarray(0, -TAG_BYTES);
  const tag = ciphertextWithTag.subarray(-TAG_BYTES);
  const decipher = createDecipheriv(AES, session.key, session.iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

export function invertIv(iv: Buffer): Buffer {
  return Buffer.from(iv.map((byte) => byte ^ 0xff));
}

function aesGcmEncrypt(plaintext: Buffer, key: Buffer, iv: Buffer): Buffer {
  const cipher = createCipheriv(AES, key, iv, { authTagLength: TAG_BYTES });
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/**
 * Encrypts a reply for the client: same AES key, inverted IV, base64 of ciphertext ‖ tag.
 * `serialised`: `body` as JSON text, when the caller already has it.
 */
export function encryptResponse(body: unknown, session: AesSession, serialised: string = JSON.stringify(body)): string {
  return aesGcmEncrypt(Buffer.from(serialised, 'utf8'), session.key, invertIv(session.iv)).toString('base64');
}

// ---- The client's side, as WhatsApp does it: used by the test kit, the simulator and the benchmark.

export interface ClientEncryptOptions {
  /** OAEP hash used to wrap the key; WhatsApp uses sha256. Anything else exercises a failure. */
  oaepHash?: 'sha256' | 'sha1';
  aesKey?: Buffer;
  iv?: Buffer;
}

/** Builds the envelope WhatsApp's client would send for `payload`, encrypted for `publicKey`. */
export function encryptRequest(
  payload: unknown,
  publicKey: KeyObject | string,
  options: ClientEncryptOptions = {},
): { envelope: FlowEnvelope; session: AesSession } {
  const session = { key: options.aesKey ?? randomBytes(AES_KEY_BYTES), iv: options.iv ?? randomBytes(IV_BYTES) };
  const plaintext = Buffer.from(JSON.stringify(payload), 'utf8');
  const wrappedKey = publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: options.oaepHash ?? 'sha256' },
    session.key,
  );
  return {
    envelope: {
      encrypted_flow_data: aesGcmEncrypt(plaintext, session.key, session.iv).toString('base64'),
      encrypted_aes_key: wrappedKey.toString('base64'),
      initial_vector: session.iv.toString('base64'),
    },
    session,
  };
}

/** Decrypts a reply body as WhatsApp's client does (same key, inverted IV). */
export function decryptResponse(base64Body: string, session: AesSession): unknown {
  const plaintext = decryptPayload(Buffer.from(base64Body, 'base64'), { key: session.key, iv: invertIv(session.iv) });
  return JSON.parse(plaintext.toString('utf8'));
}
