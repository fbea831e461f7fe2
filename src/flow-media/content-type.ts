import { open } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';

/**
 * The file's real type, read from its bytes (never from the name or what the client claims).
 * `file-type` knows binary formats; a file it does not recognise counts as text/plain when its
 * start is valid UTF-8 without control bytes, and as application/octet-stream otherwise.
 */
export async function detectContentType(path: string): Promise<string> {
  const detected = await fileTypeFromFile(path);
  if (detected) return detected.mime;
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const head = buffer.subarray(0, bytesRead);
    return bytesRead > 0 && looksLikeText(head) ? 'text/plain' : 'application/octet-stream';
  } finally {
    await handle.close();
  }
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
