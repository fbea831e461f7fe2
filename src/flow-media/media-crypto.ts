import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  randomUUID,
  timingSafeEqual,
  type Decipher,
  type Hash,
  type Hmac,
} from 'node:crypto';
import { refusal } from './media-errors.js';
import type { FlowMediaFile } from '../flow-json/index.js';
import type { ParsedMediaObject } from './media-object.js';

const MAC_BYTES = 10;

/** A file encrypted as WhatsApp's phone uploads it. */
export interface EncryptedMedia {
  /** What the phone puts on the CDN: ciphertext ‖ mac10. */
  cdnFile: Buffer;
  plaintext: Buffer;
  /** The media object the data endpoint receives for it. */
  object: FlowMediaFile;
  /** Hex SHA-256 of the plaintext, as FlowMedia stores it (its storage key). */
  sha256: string;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest();

/**
 * The phone's side of the format EncryptedMediaReader checks (kept beside it so the two cannot drift):
 * a random 32-byte AES key, 32-byte HMAC key and 16-byte IV; AES-256-CBC with PKCS#7 padding; mac10
 * appended; both hashes SHA-256 in base64. Used by the preview's local CDN and the test kit.
 */
export function encryptMedia(plaintext: Buffer, options: { fileName: string; cdnUrl: string; mediaId?: string }): EncryptedMedia {
  const key = randomBytes(32);
  const hmacKey = randomBytes(32);
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const mac10 = createHmac('sha256', hmacKey).update(iv).update(ciphertext).digest().subarray(0, MAC_BYTES);
  const cdnFile = Buffer.concat([ciphertext, mac10]);
  return {
    cdnFile,
    plaintext,
    sha256: sha256(plaintext).toString('hex'),
    object: {
      media_id: options.mediaId ?? randomUUID(),
      cdn_url: options.cdnUrl,
      file_name: options.fileName,
      encryption_metadata: {
        encrypted_hash: sha256(cdnFile).toString('base64'),
        iv: iv.toString('base64'),
        encryption_key: key.toString('base64'),
        hmac_key: hmacKey.toString('base64'),
        plaintext_hash: sha256(plaintext).toString('base64'),
      },
    },
  };
}

/**
 * Checks and decrypts a WhatsApp CDN file as it streams in: the file is `ciphertext ‖ mac10`, where
 * mac10 is the first 10 bytes of HMAC-SHA256(hmac_key, iv ‖ ciphertext) and the ciphertext is
 * AES-256-CBC with PKCS#7 padding. The last 10 bytes seen are held back until the end, everything
 * before them goes through the HMAC and the decipher. Decrypted bytes go to `sink`; they are only
 * trusted (kept) once `finish()` has checked both hashes and the MAC.
 */
export class EncryptedMediaReader {
  private readonly encrypted: Hash = createHash('sha256');
  private readonly plain: Hash = createHash('sha256');
  private readonly hmac: Hmac;
  private readonly decipher: Decipher;
  private tail = Buffer.alloc(0);
  private ciphertextBytes = 0;
  plaintextBytes = 0;

  constructor(
    private readonly media: ParsedMediaObject,
    private readonly sink: (plaintext: Buffer) => void,
  ) {
    this.hmac = createHmac('sha256', media.hmacKey).update(media.iv);
    this.decipher = createDecipheriv('aes-256-cbc', media.key, media.iv);
  }

  update(chunk: Buffer): void {
    this.encrypted.update(chunk);
    const joined = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    if (joined.length <= MAC_BYTES) {
      this.tail = Buffer.from(joined);
      return;
    }
    const body = joined.subarray(0, joined.length - MAC_BYTES);
    this.tail = Buffer.from(joined.subarray(joined.length - MAC_BYTES));
    this.ciphertextBytes += body.length;
    this.hmac.update(body);
    this.emit(this.decipher.update(body));
  }

  /** Throws a MediaRefusedError unless the file is exactly what the media object describes. */
  finish(): { plaintextSha256: Buffer } {
    const name = this.media.fileName;
    if (!this.encrypted.digest().equals(this.media.encryptedHash)) throw refusal('hash_mismatch', name, 'the CDN file does not match encrypted_hash');
    if (this.tail.length < MAC_BYTES || this.ciphertextBytes === 0 || this.ciphertextBytes % 16 !== 0) {
      throw refusal('invalid', name, 'the CDN file is too short or not whole AES blocks');
    }
    const expected = this.hmac.digest().subarray(0, MAC_BYTES);
    if (!timingSafeEqual(expected, this.tail)) throw refusal('mac_mismatch', name, 'the HMAC of the CDN file does not match');
    try {
      this.emit(this.decipher.final());
    } catch {
      throw refusal('invalid', name, 'the decrypted file has bad padding');
    }
    const digest = this.plain.digest();
    if (!digest.equals(this.media.plaintextHash)) throw refusal('hash_mismatch', name, 'the decrypted file does not match plaintext_hash');
    return { plaintextSha256: digest };
  }

  private emit(plaintext: Buffer): void {
    if (plaintext.length === 0) return;
    this.plaintextBytes += plaintext.length;
    this.plain.update(plaintext);
    this.sink(plaintext);
  }
}
