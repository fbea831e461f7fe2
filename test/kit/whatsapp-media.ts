import { randomBytes, randomUUID } from 'node:crypto';
import { deflateSync } from 'node:zlib';

/**
 * Encrypts a file exactly as WhatsApp's phone does before uploading it to the CDN (the core's own
 * implementation, the one the preview's local CDN uses too): `cdnFile` is what goes on the CDN,
 * `object` the media object the data endpoint receives (pass `cdnUrl` to place it on the CDN).
 */
export { encryptMedia, type EncryptedMedia } from '../../src/flow-media/index.js';
export type { FlowMediaFile as MediaObject } from '../../src/flow-media/index.js';

/** CRC-32 as PNG chunks use it. */
function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real PNG image (RGB, `width`×`height`, a random colour per pixel so every call differs). */
export function makePng(width = 8, height = 8): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = Buffer.concat(Array.from({ length: height }, () => Buffer.concat([Buffer.from([0]), randomBytes(width * 3)])));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A minimal but well-formed baseline JPEG (1×1 grey pixel) with a random comment so each call differs. */
export function makeJpeg(): Buffer {
  const comment = Buffer.from(`flowgate test ${randomUUID()}`);
  const com = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from([0, comment.length + 2]), comment]);
  const body = Buffer.from(
    'ffe000104a46494600010100000100010000' +
      'ffdb004300' +
      '01'.repeat(64) +
      'ffc0000b080001000101011100' +
      'ffc4001f0000010501010101010100000000000000000102030405060708090a0b' +
      'ffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa' +
      'ffda0008010100003f00' +
      'd2cf20' +
      'ffd9',
    'hex',
  );
  return Buffer.concat([Buffer.from([0xff, 0xd8]), com, body]);
}

/** A small, valid PDF document (one empty page) with a random id. */
export function makePdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  let text = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(text));
    text += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(text);
  text += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  text += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /ID [<${randomBytes(16).toString('hex')}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(text);
}
