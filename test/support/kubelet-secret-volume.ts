import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A folder laid out and updated exactly as the kubelet mounts a Secret volume (its AtomicWriter):
 * the files live in a timestamped folder `..2026_12_06_10_00_00.000000001`, `..data` is a link to
 * it, and each visible name (`current.pem`) is a link to `..data/current.pem`. An update writes a new
 * timestamped folder, points `..data_tmp` at it and renames that over `..data` (one atomic step),
 * adds links for new names, removes links of names that are gone, then deletes the old folder.
 */
export class KubeletSecretVolume {
  readonly dir = mkdtempSync(join(tmpdir(), 'flowgate-secret-volume-'));
  private generation = 0;

  constructor(files: Record<string, string>) {
    this.update(files);
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** Replaces the whole content of the volume with `files`, as a changed Secret is synced. */
  update(files: Record<string, string>): void {
    const stamp = new Date(Date.UTC(2026, 11, 6, 10, 0, this.generation++)).toISOString().replace(/[-:T]/g, '_').replace('Z', '');
    const version = `..${stamp}${String(this.generation).padStart(9, '0')}`;
    mkdirSync(join(this.dir, version), { mode: 0o755 });
    for (const [name, content] of Object.entries(files)) writeFileSync(join(this.dir, version, name), content, { mode: 0o644 });
    let previous: string | undefined;
    try {
      previous = readlinkSync(join(this.dir, '..data'));
    } catch {
      previous = undefined;
    }
    symlinkSync(version, join(this.dir, '..data_tmp'));
    renameSync(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
    const visible = readdirSync(this.dir).filter((name) => !name.startsWith('..'));
    for (const name of Object.keys(files)) if (!visible.includes(name)) symlinkSync(join('..data', name), join(this.dir, name));
    for (const name of visible) if (!(name in files)) unlinkSync(join(this.dir, name));
    if (previous) rmSync(join(this.dir, previous), { recursive: true, force: true });
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
