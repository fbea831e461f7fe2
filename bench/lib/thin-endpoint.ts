import { constants, createCipheriv, createDecipheriv, createHmac, createPrivateKey, privateDecrypt, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * What any data endpoint must do and nothing more, shared by the comparison servers: the signature
 * check, RSA unwrap, AES-GCM decrypt, and the encrypted fixed reply.
 *
 * env: FLOW_PRIVATE_KEY_FILE, WHATSAPP_APP_SECRET
 */
const privateKey = createPrivateKey(readFileSync(process.env.FLOW_PRIVATE_KEY_FILE!, 'utf8'));
const appSecret = process.env.WHATSAPP_APP_SECRET!;
const REPLY = Buffer.from(JSON.stringify({ data: { status: 'active' } }));

export function thinAnswer(body: Buffer, signature: string | undefined): { status: number; body: string } {
  const expected = Buffer.from(`sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`);
  const given = Buffer.from(signature ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { status: 432, body: '' };
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
    JSON.parse(Buffer.concat([decipher.update(data.subarray(0, -16)), decipher.final()]).toString('utf8'));
    const cipher = createCipheriv('aes-128-gcm', key, Buffer.from(iv.map((byte) => byte ^ 0xff)));
    return { status: 200, body: Buffer.concat([cipher.update(REPLY), cipher.final(), cipher.getAuthTag()]).toString('base64') };
  } catch {
    return { status: 421, body: '' };
  }
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
