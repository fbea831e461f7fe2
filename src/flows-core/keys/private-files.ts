import { closeSync, constants, fchmodSync, fstatSync, lstatSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';

// Not defined on Windows, where there is nothing to follow in the same way.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** A key file or folder that is not safe to use; the message is one line saying what to fix. */
export class UnsafeKeyFileError extends Error {
  override readonly name = 'UnsafeKeyFileError';
}

/**
 * Refuses a folder others may write into: whoever can write there can swap a key file for a link
 * (or their own key) between our checks and our writes.
 */
export function assertPrivateFolder(dir: string): void {
  const stat = statSync(dir);
  if (!stat.isDirectory()) throw new UnsafeKeyFileError(`${dir} is not a folder`);
  if (process.platform !== 'win32' && (stat.mode & 0o022) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new UnsafeKeyFileError(`${dir} is group- or world-writable (mode ${mode}); run chmod go-w ${dir} (or chmod 700)`);
  }
}

/** True when something (a file, a link, even a dangling one) is at `path`. */
export function entryExists(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}

/**
 * Creates `path` with `mode`, failing if anything is there already: O_CREAT|O_EXCL never follows a
 * link (a dangling `private.pem` link cannot make the key land at its target).
 */
export function createExclusive(path: string, content: string, mode: number): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, mode);
  try {
    writeSync(fd, content);
    fchmodSync(fd, mode); // the umask may have taken bits off (never added any)
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads an existing private file without following a link at its name, and takes group and world
 * permissions off it (a key or secret left readable by others is tightened to owner-only).
 */
export function readPrivateFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new UnsafeKeyFileError(`${path} is a symbolic link; remove it (Flowgate creates this file itself)`);
    }
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UnsafeKeyFileError(`${path} is not a regular file; remove it (Flowgate creates this file itself)`);
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) fchmodSync(fd, stat.mode & 0o700);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
