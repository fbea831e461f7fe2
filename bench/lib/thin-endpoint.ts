import { constants, createCipheriv, createDecipheriv, createHmac, createPrivateKey, privateDecrypt, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * What any data endpoint must do, shared by the comparison servers: the signature check, RSA
 * unwrap, AES-GCM decrypt, and the AES-GCM encrypted reply.
 *
 * env: FLOW_PRIVATE_KEY_FILE, WHATSAPP_APP_SECRET
 */
const privateKey = createPrivateKey(readFileSync(process.env.FLOW_PRIVATE_KEY_FILE!, 'utf8'));
const appSecret = process.env.WHATSAPP_APP_SECRET!;
/** The ping's plaintext answer, serialised once. */
export const PING_REPLY = Buffer.from(JSON.stringify({ data: { status: 'active' } }));

/** A request that passed the signature check and decrypted: its plaintext, and how to encrypt its answer. */
export interface OpenedRequest {
  request: Record<string, any>;
  /** The reply encrypted with the request's AES key and the inverted IV, base64. */
  seal(reply: unknown): string;
}

/**
 * Checks `X-Hub-Signature-256` over the exact body bytes (432 when wrong), then unwraps the AES key
 * and decrypts the request (421 when anything does not decrypt or parse).
 */
export function openRequest(body: Buffer, signature: string | undefined): OpenedRequest | { status: 432 | 421 } {
  return signatureValid(body, signature) ? openEnvelope(body) : { status: 432 };
}

/** `X-Hub-Signature-256` checked over the exact body bytes, in constant time. */
export function signatureValid(body: Buffer, signature: string | undefined): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`);
  const given = Buffer.from(signature ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Unwraps the AES key and decrypts the request (421 when anything does not decrypt or parse). */
export function openEnvelope(body: Buffer): OpenedRequest | { status: 421 } {
  try {
    const envelope = JSON.parse(body.toString('utf8'));
    const key = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(envelope.encrypted_aes_key, 'base64'),
    );
    const iv = Buffer.from(envelope.initial_vector, 'base64');
    const data = Buffer.from(envelope.encrypted_flow_data, 'base64');
    const decipher = createDecipheriv('aes-128-gcm', key, iv);
    decipher.setAuthTag(data.subarray(-16));
    const request = JSON.parse(Buffer.concat([decipher.update(data.subarray(0, -16)), decipher.final()]).toString('utf8'));
    if (request === null || typeof request !== 'object' || Array.isArray(request)) return { status: 421 };
    const seal = (reply: unknown) => {
      const plain = Buffer.isBuffer(reply) ? reply : Buffer.from(JSON.stringify(reply));
      const cipher = createCipheriv('aes-128-gcm', key, Buffer.from(iv.map((byte) => byte ^ 0xff)));
      return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]).toString('base64');
    };
    return { request, seal };
  } catch {
    return { status: 421 };
  }
}

/**
 * Data API 4.0: what a correct endpoint checks of `flow_token_signature` (an HS256 JWT of the flow
 * token, signed with the app secret): the algorithm, the MAC in constant time, and the token in it.
 */
export function tokenSignatureValid(request: Record<string, any>): boolean {
  const jwt = request.flow_token_signature;
  if (typeof jwt !== 'string') return false;
  const [header, payload, mac, extra] = jwt.split('.');
  if (!header || !payload || !mac || extra !== undefined) return false;
  try {
    if (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')).alg !== 'HS256') return false;
    const expected = createHmac('sha256', appSecret).update(`${header}.${payload}`).digest();
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).flow_token === request.flow_token;
  } catch {
    return false;
  }
}

/** The thin baseline's whole answer: the ping reply for any request that checks out. */
export function thinAnswer(body: Buffer, signature: string | undefined): { status: number; body: string } {
  const opened = openRequest(body, signature);
  if ('status' in opened) return { status: opened.status, body: '' };
  return { status: 200, body: opened.seal(PING_REPLY) };
}

// Same sampling as Flowgate's metrics; each sample includes the interval, which is taken off.
const LAG_RESOLUTION_MS = 10;
const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
lag.enable();

/** Event-loop lag p99 (ms) since the previous call, which starts a new window. */
export function lagWindow(): { p99Ms: number } {
  const p99Ms = Math.max(0, lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS);
  lag.reset();
  return { p99Ms };
}
