import type { Readable } from 'node:stream';

/**
 * Where kept files live. Keys are chosen by the media service (content-addressed: the plaintext
 * SHA-256 in hex), so putting the same file twice keeps it once. Another backend (an object store)
 * implements the same four calls and is provided under MEDIA_STORAGE.
 */
export interface MediaStorage {
  /**
   * Takes ownership of the verified file at `file` (a local temporary file) and stores it under
   * `key`, atomically: a reader never sees a partial file. Storing an existing key is a no-op.
   */
  put(key: string, file: string, info: { contentType: string; size: number }): Promise<void>;
  /** The stored bytes; rejects with code ENOENT when the key is unknown. */
  open(key: string): Promise<Readable>;
  /** Removes the file (used when a kept file is given up); a missing key is not an error. */
  remove(key: string): Promise<void>;
  /** Whether `key` is stored. */
  has(key: string): Promise<boolean>;
}

/** Injection token of the MediaStorage in use. */
export const MEDIA_STORAGE = Symbol('MEDIA_STORAGE');
