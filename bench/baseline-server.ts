/**
 * The thin baseline: what any data endpoint must do and nothing more. Node's http module, the
 * signature check, RSA unwrap, AES-GCM decrypt, and the encrypted fixed reply. No framework,
 * no routing, no logging, no database. `GET /lag` reports its event-loop delay (for comparison with
 * Flowgate's) and starts a new window.
 *
 * env: PORT, FLOW_PRIVATE_KEY_FILE, WHATSAPP_APP_SECRET
 */
import { constants, createCipheriv, createDecipheriv, createHmac, createPrivateKey, privateDecrypt, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const privateKey = createPrivateKey(readFileSync(process.env.FLOW_PRIVATE_KEY_FILE!, 'utf8'));
const appSecret = process.env.WHATSAPP_APP_SECRET!;
const REPLY = Buffer.from(JSON.stringify({ data: { status: 'active' } }));

function answer(body: Buffer, signature: string | undefined): { status: number; body: string } {
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

// Same sampling as Flowgate's metrics; each sample includes the interval, which /lag takes off.
const LAG_RESOLUTION_MS = 10;
const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
lag.enable();

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/lag') {
    const p99 = Math.max(0, lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS);
    lag.reset();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ p99Ms: p99 }));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const { status, body } = answer(Buffer.concat(chunks), req.headers['x-hub-signature-256'] as string | undefined);
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
