/**
 * The thin baseline: Node's http module around the thin endpoint (signature, decrypt, encrypt of a
 * fixed reply). No framework, no routing, no logging, no database. `GET /lag` reports its
 * event-loop delay (for comparison with Flowgate's) and starts a new window.
 *
 * env: PORT, FLOW_PRIVATE_KEY_FILE, WHATSAPP_APP_SECRET
 */
import { createServer } from 'node:http';
import { lagWindow, thinAnswer } from './lib/thin-endpoint.js';

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/lag') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(lagWindow()));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const { status, body } = thinAnswer(Buffer.concat(chunks), req.headers['x-hub-signature-256'] as string | undefined);
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
