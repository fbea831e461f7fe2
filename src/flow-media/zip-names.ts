import type { FileHandle } from 'node:fs/promises';
import { readAt, SNIFF_BYTES } from './sniff-read.js';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
/** Members looked at, at most: the names that tell Office and OpenDocument files apart come first. */
const MAX_MEMBERS = 200;

/** The types an OpenDocument or EPUB names in its first member, `mimetype`, stored uncompressed. */
const STORED_MIMETYPES = new Set([
  'application/epub+zip',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
]);

/**
 * A ZIP's type from its members' names: the local headers in `head` (the file's first SNIFF_BYTES),
 * then the central directory (at most SNIFF_BYTES of it, found from the end record). Never reads a
 * member's data, except the few stored (uncompressed) bytes of an OpenDocument's `mimetype`.
 */
export async function zipContentType(handle: FileHandle, head: Buffer, size: number): Promise<string> {
  const local = localMembers(head);
  if (local.mimetype && STORED_MIMETYPES.has(local.mimetype)) return local.mimetype;
  return officeType(local.names) ?? officeType(await centralNames(handle, size)) ?? 'application/zip';
}

function officeType(names: readonly string[]): string | undefined {
  if (!names.includes('[Content_Types].xml')) return undefined;
  if (names.some((name) => name.startsWith('word/'))) return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  if (names.some((name) => name.startsWith('xl/'))) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  if (names.some((name) => name.startsWith('ppt/'))) return 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
  return undefined;
}

/** Walks the local headers found in `head`, skipping each member's (compressed) data by its declared size. */
function localMembers(head: Buffer): { names: string[]; mimetype?: string } {
  const names: string[] = [];
  let mimetype: string | undefined;
  let at = 0;
  while (names.length < MAX_MEMBERS && at + 30 <= head.length && head.readUInt32LE(at) === LOCAL_HEADER) {
    const flags = head.readUInt16LE(at + 6);
    const method = head.readUInt16LE(at + 8);
    const compressed = head.readUInt32LE(at + 18);
    const nameLength = head.readUInt16LE(at + 26);
    const extraLength = head.readUInt16LE(at + 28);
    const dataAt = at + 30 + nameLength + extraLength;
    if (dataAt > head.length) break;
    const name = head.toString('utf8', at + 30, at + 30 + nameLength);
    names.push(name);
    if (names.length === 1 && name === 'mimetype' && method === 0 && compressed <= 100 && dataAt + compressed <= head.length) {
      mimetype = head.toString('latin1', dataAt, dataAt + compressed).trim();
    }
    // A size given only after the data (a data descriptor) cannot be skipped: the central directory has it.
    if (flags & 0x08 && compressed === 0) break;
    at = dataAt + compressed;
  }
  return { names, mimetype };
}

/** The member names listed in the central directory (at most SNIFF_BYTES of it). */
async function centralNames(handle: FileHandle, size: number): Promise<string[]> {
  const endLength = Math.min(size, 22 + 0xffff);
  const end = await readAt(handle, size - endLength, endLength);
  let record = -1;
  for (let at = end.length - 22; at >= 0; at--) {
    if (end.readUInt32LE(at) === END_OF_DIRECTORY) {
      record = at;
      break;
    }
  }
  if (record < 0) return [];
  const directorySize = end.readUInt32LE(record + 12);
  const directoryAt = end.readUInt32LE(record + 16);
  if (directoryAt >= size) return [];
  const directory = await readAt(handle, directoryAt, Math.min(directorySize, SNIFF_BYTES, size - directoryAt));
  const names: string[] = [];
  let at = 0;
  while (names.length < MAX_MEMBERS && at + 46 <= directory.length && directory.readUInt32LE(at) === CENTRAL_HEADER) {
    const nameLength = directory.readUInt16LE(at + 28);
    const skip = 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
    if (at + 46 + nameLength > directory.length) break;
    names.push(directory.toString('utf8', at + 46, at + 46 + nameLength));
    at += skip;
  }
  return names;
}
