import { constants, createCipheriv, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import type { AesSession } from '../../../src/flows-core/crypto/flow-crypto.js';
import type { FlowEnvelope } from '../../../src/flows-core/crypto/flow-envelope.js';

/**
 * Encrypts exact plaintext bytes the way WhatsApp's client does (the test kit always serializes
 * JSON): for plaintexts that are not JSON, not UTF-8, or JSON of the wrong shape.
 */
export function encryptPlaintext(plaintext: Buffer, publicKey: string | KeyObject): { envelope: FlowEnvelope; session: AesSession } {
  const session = { key: randomBytes(16), iv: randomBytes(16) };
  const cipher = createCipheriv('aes-128-gcm', session.key, session.iv, { authTagLength: 16 });
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const wrapped = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, session.key);
  return {
    envelope: {
      encrypted_flow_data: ciphertext.toString('base64'),
      encrypted_aes_key: wrapped.toString('base64'),
      initial_vector: session.iv.toString('base64'),
    },
    session,
  };
}
