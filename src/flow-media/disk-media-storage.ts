import { createReadStream } from 'node:fs';
import { access, link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { MediaStorage } from './media-storage.js';

const KEY = /^[0-9a-f]{64}$/;

/**
 * Files on local disk under `root`, two levels deep by key prefix (`ab/abcdef…`). `put` flushes the
 * temporary file to disk and renames it into place, so a crash leaves either no file or the whole
 * file; the temporary files live in `root/.incoming` (the same file system, so the rename is atomic).
 */
export class DiskMediaStorage implements MediaStorage {
  constructor(readonly root: string) {}

  /** Where downloads are written before they are verified. */
  get incoming(): string {
    return join(this.root, '.incoming');
  }

  async put(key: string, file: string): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    const handle = await open(file, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      // link fails when the target exists: the same content is already stored, keep that one.
      await link(file, `${target}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        // Some file systems have no hard links: rename replaces atomically (same bytes by key).
        if ((error as NodeJS.ErrnoException).code === 'EPERM' || (error as NodeJS.ErrnoException).code === 'ENOTSUP') {
          await rename(file, target);
          return;
        }
        throw error;
      }
    }
    await unlink(file).catch(() => undefined);
  }

  async open(key: string): Promise<Readable> {
    const path = this.path(key);
    await access(path);
    return createReadStream(path);
  }

  async remove(key: string): Promise<void> {
    await unlink(this.path(key)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  async has(key: string): Promise<boolean> {
    return access(this.path(key)).then(
      () => true,
      () => false,
    );
  }

  private path(key: string): string {
    if (!KEY.test(key)) throw new Error('media storage keys are SHA-256 hex digests');
    return join(this.root, key.slice(0, 2), key);
  }
}
