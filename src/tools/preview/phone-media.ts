// Media as WhatsApp's phone uploads it for a PhotoPicker/DocumentPicker: each file encrypted with
// AES-256-CBC under fresh keys, a 10-byte HMAC-SHA256 tag appended, put on a CDN; the data endpoint gets
// the link, the keys and the hashes in the request data.
import { createCipheriv, createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';

export interface MediaObject {
  media_id: string;
  cdn_url: string;
  file_name: string;
  encryption_metadata: { encrypted_hash: string; iv: string; encryption_key: string; hmac_key: string; plaintext_hash: string };
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('base64');

/** The CDN file (`ciphertext ‖ mac10`) and the metadata the phone sends for `plaintext`. */
export function encryptMedia(plaintext: Buffer): { cdnFile: Buffer; metadata: MediaObject['encryption_metadata'] } {
  const key = randomBytes(32);
  const hmacKey = randomBytes(32);
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const mac10 = createHmac('sha256', hmacKey).update(iv).update(ciphertext).digest().subarray(0, 10);
  const cdnFile = Buffer.concat([ciphertext, mac10]);
  return {
    cdnFile,
    metadata: {
      encrypted_hash: sha256(cdnFile),
      iv: iv.toString('base64'),
      encryption_key: key.toString('base64'),
      hmac_key: hmacKey.toString('base64'),
      plaintext_hash: sha256(plaintext),
    },
  };
}

/** The preview's stand-in for WhatsApp's media CDN: encrypted files kept in memory, served by id. */
export class LocalCdn {
  private readonly files = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes = 200 * 1024 * 1024) {}

  /** Encrypts and stores a picked file; `baseUrl` is where this CDN is served (…/cdn/). */
  upload(fileName: string, plaintext: Buffer, baseUrl: string): MediaObject {
    const { cdnFile, metadata } = encryptMedia(plaintext);
    // Oldest files go first when the preview has held many: links expire on the real CDN too.
    while (this.bytes + cdnFile.length > this.maxBytes && this.files.size) {
      const [oldest, file] = this.files.entries().next().value as [string, Buffer];
      this.files.delete(oldest);
      this.bytes -= file.length;
    }
    const mediaId = randomUUID();
    this.files.set(mediaId, cdnFile);
    this.bytes += cdnFile.length;
    return { media_id: mediaId, cdn_url: `${baseUrl}${mediaId}`, file_name: fileName, encryption_metadata: metadata };
  }

  get(mediaId: string): Buffer | undefined {
    return this.files.get(mediaId);
  }
}
