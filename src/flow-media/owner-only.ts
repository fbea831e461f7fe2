import { chmod, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Makes `dir` and everything under it its owner's only: folders 0700, files 0600 (only those looser). */
export async function ownerOnly(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o700);
      await ownerOnly(path);
    } else if (entry.isFile() && ((await stat(path)).mode & 0o077) !== 0) {
      await chmod(path, 0o600);
    }
  }
}
