import { open, type FileHandle } from 'node:fs/promises';
import { readAt, SNIFF_BYTES } from './sniff-read.js';
import { zipContentType } from './zip-names.js';

const ZIP_TYPES = new Set([
  'application/zip',
  'application/epub+zip',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
]);
const OLE_TYPES = new Set(['application/x-cfb', 'application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint']);

/**
 * The file's real type, read from its bytes (never from the name or what the client claims), by magic
 * numbers in a bounded prefix. Nothing inside a file is ever decompressed: a small ZIP can inflate to
 * gigabytes. Archives are typed by their members' names only (an OpenDocument's stored `mimetype`,
 * an Office file's `word/`, `xl/`, `ppt/`), and only when `allow` takes such a type: otherwise a ZIP is
 * `application/zip` and refused unread. A file no magic number names counts as text/plain when its
 * start is valid UTF-8 without control bytes, and as application/octet-stream otherwise.
 */
export async function detectContentType(path: string, allow?: readonly string[]): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const head = await readAt(handle, 0, Math.min(SNIFF_BYTES, size));
    const type = magicType(head);
    if (type === 'application/zip') return wanted(allow, ZIP_TYPES) ? await zipContentType(handle, head, size) : type;
    if (type === 'application/x-cfb') return wanted(allow, OLE_TYPES) ? oleType(head, await tail(handle, size)) : type;
    if (type) return type;
    return head.length > 0 && looksLikeText(head.subarray(0, 4096)) ? 'text/plain' : 'application/octet-stream';
  } finally {
    await handle.close();
  }
}

/** Whether `allow` (undefined: anything) takes one of `types`, so telling them apart is worth reading more. */
function wanted(allow: readonly string[] | undefined, types: ReadonlySet<string>): boolean {
  return allow === undefined || [...types].some((type) => typeAllowed(type, allow));
}

async function tail(handle: FileHandle, size: number): Promise<Buffer> {
  return size <= SNIFF_BYTES ? Buffer.alloc(0) : readAt(handle, size - SNIFF_BYTES, SNIFF_BYTES);
}

const starts = (head: Buffer, bytes: number[], offset = 0) => bytes.every((byte, i) => head[offset + i] === byte);
const ascii = (head: Buffer, text: string, offset = 0) => head.toString('latin1', offset, offset + text.length) === text;

/** The formats WhatsApp's pickers offer (Meta's media upload page) and their relatives, by magic number. */
function magicType(head: Buffer): string | undefined {
  if (starts(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (ascii(head, 'GIF87a') || ascii(head, 'GIF89a')) return 'image/gif';
  if (ascii(head, 'RIFF') && ascii(head, 'WEBP', 8)) return 'image/webp';
  if (starts(head, [0x49, 0x49, 0x2a, 0x00]) || starts(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  if (ascii(head, 'ftyp', 4)) return isoMediaType(head);
  if (ascii(head, '%PDF-')) return 'application/pdf';
  if (starts(head, [0x50, 0x4b, 0x03, 0x04]) || starts(head, [0x50, 0x4b, 0x05, 0x06])) return 'application/zip';
  if (starts(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'application/x-cfb';
  if (starts(head, [0x1f, 0x8b, 0x08])) return 'application/gzip';
  if (starts(head, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return 'application/x-7z-compressed';
  if (ascii(head, 'Rar!\x1a\x07')) return 'application/x-rar-compressed';
  if (starts(head, [0x00, 0x00, 0x01, 0xba]) || starts(head, [0x00, 0x00, 0x01, 0xb3])) return 'video/mpeg';
  if (ascii(head, 'BM') && head.length >= 26 && head.readUInt32LE(2) > 26 && head[14] >= 12 && head[15] === 0) return 'image/bmp';
  return undefined;
}

/** ISO base media files (`ftyp` box): HEIC/HEIF/AVIF photos, MP4/QuickTime/3GPP videos, by major brand. */
function isoMediaType(head: Buffer): string | undefined {
  const brand = head.toString('latin1', 8, 12).replace(/\0/g, ' ').trim();
  if (brand.length === 0) return undefined;
  if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx'].includes(brand)) return 'image/heic';
  if (['mif1', 'msf1'].includes(brand)) return 'image/heif';
  if (['avif', 'avis'].includes(brand)) return 'image/avif';
  if (brand === 'qt') return 'video/quicktime';
  if (brand.startsWith('3g2')) return 'video/3gpp2';
  if (brand.startsWith('3g')) return 'video/3gpp';
  if (brand.startsWith('M4A')) return 'audio/x-m4a';
  return 'video/mp4';
}

/**
 * Word, Excel and PowerPoint 97-2003 files are OLE compound files; their main stream's name (UTF-16 in
 * the directory, found in the first or last SNIFF_BYTES) tells them apart. Otherwise application/x-cfb.
 */
function oleType(head: Buffer, end: Buffer): string {
  const has = (name: string) => {
    const needle = Buffer.from(name, 'utf16le');
    return head.includes(needle) || end.includes(needle);
  };
  if (has('WordDocument')) return 'application/msword';
  if (has('PowerPoint Document')) return 'application/vnd.ms-powerpoint';
  if (has('Workbook') || has('Book\0')) return 'application/vnd.ms-excel';
  return 'application/x-cfb';
}

function looksLikeText(head: Buffer): boolean {
  // Control bytes other than tab, newline and carriage return mean binary.
  if (head.some((byte) => byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d)) return false;
  try {
    // The read may cut a multi-byte character at the end: tolerate up to 3 trailing bytes.
    new TextDecoder('utf-8', { fatal: true }).decode(head.length === 4096 ? head.subarray(0, trimPartial(head)) : head);
    return true;
  } catch {
    return false;
  }
}

function trimPartial(head: Buffer): number {
  const end = head.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const byte = head[end - i];
    if ((byte & 0xc0) === 0xc0) return end - i; // the start of a cut character
    if ((byte & 0x80) === 0) break;
  }
  return end;
}

/** Whether `type` is allowed by `allow` (exact types or `image/*`-style families). */
export function typeAllowed(type: string, allow: readonly string[]): boolean {
  return allow.some((entry) => entry === type || (entry.endsWith('/*') && type.startsWith(entry.slice(0, -1))));
}
