// Media as WhatsApp's phone uploads it for a PhotoPicker/DocumentPicker: each file encrypted with
// AES-256-CBC under fresh keys, a 10-byte HMAC-SHA256 tag appended, put on a CDN; the data endpoint gets
// the link, the keys and the hashes in the request data.
import { randomUUID } from 'node:crypto';
import { encryptMedia, type FlowMediaObject } from '../../flows-core/index.js';

/** The preview's stand-in for WhatsApp's media CDN: encrypted files kept in memory, served by id. */
export class LocalCdn {
  private readonly files = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes = 200 * 1024 * 1024) {}

  /** Encrypts and stores a picked file; `baseUrl` is where this CDN is served (…/cdn/). */
  upload(fileName: string, plaintext: Buffer, baseUrl: string): FlowMediaObject {
    const mediaId = randomUUID();
    const { cdnFile, object } = encryptMedia(plaintext, { fileName, cdnUrl: `${baseUrl}${mediaId}`, mediaId });
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

  get(mediaId: string): Buffer | undefined {
    return this.files.get(mediaId);
  }
}
