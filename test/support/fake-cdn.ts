import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cdnCertificate } from '../../src/tools/preview/cdn-certificate.js';

/** How the CDN answers one path. */
export interface CdnFile {
  body?: Buffer;
  /** Answer this status instead of the file (e.g. 404), for the next `times` requests (default: always). */
  status?: number;
  times?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Send the body in chunks of this size, one every `chunkDelayMs` (slow or endless streams). */
  chunkBytes?: number;
  chunkDelayMs?: number;
  /** Leave out content-length (chunked transfer), as a CDN streaming a file may. */
  noContentLength?: boolean;
  /** Answer 302 to this URL. */
  redirectTo?: string;
  /** Only answer the file to `Authorization: Bearer <token>` (the Cloud API's download links). */
  bearer?: string;
}

export interface CdnRequest {
  path: string;
  query: string;
  authorization?: string;
  /** Body bytes written before the download ended or the client went away. */
  bytesSent: number;
  /** The client closed the connection before the whole body was sent. */
  clientAborted: boolean;
}

/**
 * A real local HTTPS server playing WhatsApp's media CDN, with a certificate for `localhost` and
 * 127.0.0.1 made on start (as the preview's CDN makes its own). Point FLOW_MEDIA_DEV_CA_FILE at
 * `caFile`. Files can be served right, slowly, damaged, missing, or redirected.
 */
export class FakeCdn {
  readonly requests: CdnRequest[] = [];
  private readonly files = new Map<string, CdnFile>();
  private server?: Server;
  private dir?: string;
  caFile = '';
  port = 0;

  async start(): Promise<this> {
    this.dir = mkdtempSync(join(tmpdir(), 'flowgate-cdn-'));
    // The preview's own certificate maker: a real certificate for localhost and 127.0.0.1, no openssl needed.
    const { key, cert, certFile } = await cdnCertificate(this.dir);
    this.caFile = certFile;
    this.server = createServer({ key, cert }, (req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Serves `file` at `path`; returns its URL with a signed-looking query, as WhatsApp's CDN links have. */
  put(path: string, file: CdnFile): string {
    this.files.set(path, file);
    return this.url(path);
  }

  url(path: string, host = 'localhost'): string {
    return `https://${host}:${this.port}${path}?_nc_sig=SECRETSIGNATURE${Math.random().toString(36).slice(2)}&oe=68A1B2C3`;
  }

  requestsFor(path: string): CdnRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [path, query = ''] = (req.url ?? '/').split('?');
    const record: CdnRequest = { path, query, authorization: req.headers.authorization, bytesSent: 0, clientAborted: false };
    this.requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.clientAborted = true;
    });
    const file = this.files.get(path);
    if (!file) return void res.writeHead(404).end('not found');
    if (file.delayMs) await sleep(file.delayMs);
    if (res.destroyed) return;
    if (file.status !== undefined && (file.times === undefined || file.times > 0)) {
      if (file.times !== undefined) file.times--;
      return void res.writeHead(file.status).end();
    }
    if (file.redirectTo) return void res.writeHead(302, { location: file.redirectTo }).end();
    if (file.bearer && req.headers.authorization !== `Bearer ${file.bearer}`) return void res.writeHead(401).end();
    const body = file.body ?? Buffer.alloc(0);
    res.writeHead(200, { 'content-type': 'application/octet-stream', ...(file.noContentLength ? {} : { 'content-length': String(body.length) }) });
    if (!file.chunkBytes) {
      record.bytesSent = body.length;
      return void res.end(body);
    }
    for (let offset = 0; offset < body.length; offset += file.chunkBytes) {
      if (res.destroyed) return;
      const chunk = body.subarray(offset, offset + file.chunkBytes);
      res.write(chunk);
      record.bytesSent += chunk.length;
      if (file.chunkDelayMs) await sleep(file.chunkDelayMs);
    }
    res.end();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
