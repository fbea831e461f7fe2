// Media as WhatsApp's phone uploads it for a PhotoPicker/DocumentPicker: each file encrypted under fresh
// keys (the core's encryptMedia), put on a CDN; the data endpoint gets the link, the keys and the hashes
// in the request data and downloads the file over HTTPS, as from WhatsApp's CDN.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { encryptMedia, type FlowMediaFile } from '../../flow-media/index.js';
import { cdnCertificate } from './cdn-certificate.js';

export interface LocalCdnOptions {
  /** Folder of the CDN's certificate, kept across runs (see cdn-certificate.ts). */
  certDir: string;
  /** Default 0: a free port (the server's allow-list names the host only). */
  port?: number;
  /** Bytes held at once; the oldest files go first. */
  maxBytes?: number;
}

/** What the Flowgate server needs so its media handlers download from this CDN. */
export function serverMediaSettings(certFile: string): Record<string, string> {
  return { FLOW_MEDIA_HOSTS: '127.0.0.1', FLOW_MEDIA_DEV_ALLOW_LOOPBACK: 'true', FLOW_MEDIA_DEV_CA_FILE: certFile };
}

/** The preview's stand-in for WhatsApp's media CDN: HTTPS on 127.0.0.1, encrypted files kept in memory, served by id. */
export class LocalCdn {
  private readonly files = new Map<string, Buffer>();
  private bytes = 0;

  private constructor(
    private readonly server: Server,
    /** e.g. https://127.0.0.1:40123/cdn/ */
    readonly url: string,
    /** The certificate file to trust (FLOW_MEDIA_DEV_CA_FILE). */
    readonly caFile: string,
    /** True when this run made a new certificate: a server that trusted the old one must restart. */
    readonly newCertificate: boolean,
    private readonly maxBytes: number,
  ) {
    server.on('request', (request, response) => {
      const path = new URL(request.url ?? '/', 'https://cdn').pathname;
      const file = request.method === 'GET' && path.startsWith('/cdn/') ? this.files.get(path.slice('/cdn/'.length)) : undefined;
      if (!file) {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('No such media (the preview keeps media only while it runs)');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.length, 'cache-control': 'no-store' });
      response.end(file);
    });
  }

  static async start(options: LocalCdnOptions): Promise<LocalCdn> {
    const certificate = await cdnCertificate(options.certDir);
    const server = createServer({ key: certificate.key, cert: certificate.cert });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return new LocalCdn(server, `https://127.0.0.1:${port}/cdn/`, certificate.certFile, certificate.created, options.maxBytes ?? 200 * 1024 * 1024);
  }

  /** Encrypts and stores a picked file; returns the media object the phone would send for it. */
  upload(fileName: string, plaintext: Buffer): FlowMediaFile {
    const mediaId = randomUUID();
    const { cdnFile, object } = encryptMedia(plaintext, { fileName, cdnUrl: `${this.url}${mediaId}`, mediaId });
    // Oldest files go first when the preview has held many: links expire on the real CDN too.
    while (this.bytes + cdnFile.length > this.maxBytes && this.files.size) {
      const [oldest, file] = this.files.entries().next().value as [string, Buffer];
      this.files.delete(oldest);
      this.bytes -= file.length;
    }
    this.files.set(mediaId, cdnFile);
    this.bytes += cdnFile.length;
    return object;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
