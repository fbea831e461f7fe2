import { createPrivateKey, createPublicKey } from 'node:crypto';
import { decryptPayload, encryptRequest, encryptResponse, unwrapAesKey } from '../../src/flows-core/testing.js';
import { round } from './load.js';

/**
 * The most requests one core could ever answer: RSA unwrap, AES-GCM decrypt and AES-GCM encrypt
 * of a reply, in a loop, with no I/O at all.
 */
export function cryptoCeiling(privatePem: string, seconds: number): { opsPerSecond: number; microsPerOp: number } {
  const privateKey = createPrivateKey(privatePem);
  const publicKey = createPublicKey(privateKey);
  const envelopes = Array.from({ length: 256 }, () => encryptRequest({ version: '3.0', action: 'ping' }, publicKey).envelope);
  const reply = { data: { status: 'active' } };
  let ops = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    const envelope = envelopes[ops % envelopes.length];
    const session = {
      key: unwrapAesKey(Buffer.from(envelope.encrypted_aes_key, 'base64'), privateKey),
      iv: Buffer.from(envelope.initial_vector, 'base64'),
    };
    JSON.parse(decryptPayload(Buffer.from(envelope.encrypted_flow_data, 'base64'), session).toString('utf8'));
    encryptResponse(reply, session);
    ops++;
  }
  const elapsed = (performance.now() - started) / 1000;
  return { opsPerSecond: round(ops / elapsed, 1), microsPerOp: round((elapsed * 1e6) / ops, 1) };
}
