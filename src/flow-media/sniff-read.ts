import type { FileHandle } from 'node:fs/promises';

/** How much of a file's start (and, for archives and OLE files, its end) is ever read to type it. */
export const SNIFF_BYTES = 64 * 1024;

/** Up to `length` bytes at `position` (fewer at the end of the file). */
export async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  if (length <= 0) return Buffer.alloc(0);
  const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, position);
  return buffer.subarray(0, bytesRead);
}
