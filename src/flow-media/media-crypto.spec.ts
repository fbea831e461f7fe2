import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { makePng } from '../../test/kit/whatsapp-media.js';
import { EncryptedMediaReader, encryptMedia } from './media-crypto.js';
import { MediaRefusedError } from './media-errors.js';
import { parseMediaField } from './media-object.js';

/** Feeds `cdnFile` to a reader in chunks of the given sizes (cycled); returns the plaintext or the refusal. */
function read(object: unknown, cdnFile: Buffer, sizes: number[]): Buffer | MediaRefusedError {
  const [media] = parseMediaField('f', [object]);
  const out: Buffer[] = [];
  const reader = new EncryptedMediaReader(media, (chunk) => out.push(Buffer.from(chunk)));
  for (let offset = 0, i = 0; offset < cdnFile.length; i++) {
    const size = sizes[i % sizes.length];
    reader.update(cdnFile.subarray(offset, offset + size));
    offset += size;
  }
  try {
    reader.finish();
    return Buffer.concat(out);
  } catch (error) {
    return error as MediaRefusedError;
  }
}

describe('EncryptedMediaReader (streaming check and decryption of a CDN file)', () => {
  const plaintext = makePng(32, 32);
  const encrypted = encryptMedia(plaintext, { fileName: 'p.png', cdnUrl: 'https://mmg.whatsapp.net/v/x' });

  it.each([[[1]], [[3, 7]], [[9, 10, 11]], [[16]], [[4096]], [[encrypted.cdnFile.length]]])('decrypts whatever the chunk sizes (%j)', (sizes) => {
    expect(read(encrypted.object, encrypted.cdnFile, sizes)).toEqual(plaintext);
  });

  it('refuses each kind of damage with its reason', () => {
    const reason = (object: unknown, file: Buffer) => (read(object, file, [100]) as MediaRefusedError).reason;
    const flipped = Buffer.from(encrypted.cdnFile);
    flipped[5] ^= 1;
    expect(reason(encrypted.object, flipped)).toBe('hash_mismatch');
    const rehashed = structuredClone(encrypted.object);
    rehashed.encryption_metadata.encrypted_hash = createHash('sha256').update(flipped).digest('base64');
    expect(reason(rehashed, flipped)).toBe('mac_mismatch');
    const wrongPlain = structuredClone(encrypted.object);
    wrongPlain.encryption_metadata.plaintext_hash = createHash('sha256').update('x').digest('base64');
    expect(reason(wrongPlain, encrypted.cdnFile)).toBe('hash_mismatch');
    const short = encrypted.cdnFile.subarray(0, 8);
    const shortObject = structuredClone(encrypted.object);
    shortObject.encryption_metadata.encrypted_hash = createHash('sha256').update(short).digest('base64');
    expect(reason(shortObject, short)).toBe('invalid');
  });
});
