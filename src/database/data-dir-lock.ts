import { existsSync, linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { ConfigValidationError } from '../config/config-validation-error.js';

/** The file in the embedded database's folder that names the process using it. */
export const DATA_DIR_LOCK = 'flowgate.lock';

const BOOT_ID = '/proc/sys/kernel/random/boot_id';
const bootId = existsSync(BOOT_ID) ? readFileSync(BOOT_ID, 'utf8').trim() : '-';

/** Another process has the data folder open. One line, printed like a configuration error. */
export class DataDirInUseError extends ConfigValidationError {}

interface Holder {
  pid: number;
  boot: string;
  command: string;
}

const parse = (content: string): Holder => {
  const [first = '', command = ''] = content.split('\n');
  const [pid, boot = '-'] = first.trim().split(/\s+/);
  return { pid: Number(pid), boot, command: command.trim() };
};

/** Whether the holder still runs: the same boot of the machine, a live pid, not this process. */
function alive({ pid, boot }: Holder): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || boot !== bootId) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Creates the lock whole (a link to a written file), or returns false when it exists. */
function tryCreate(path: string, content: string): boolean {
  const own = `${path}.${process.pid}`;
  writeFileSync(own, content, { mode: 0o600 });
  try {
    linkSync(own, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(own);
  }
}

/** Moves a dead holder's lock aside; if another process replaced it meanwhile, puts theirs back. */
function takeOver(path: string, stale: string): void {
  const aside = `${path}.stale.${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (read(aside) !== stale) {
    try {
      linkSync(aside, path);
    } catch {
      // Someone holds it again: theirs stands.
    }
  }
  unlinkSync(aside);
}

/**
 * Takes the embedded database's folder for this process, or throws DataDirInUseError naming the
 * process that has it (PGlite would open the same files twice, silently, and corrupt them). A lock
 * left by a process that is gone is taken over. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, DATA_DIR_LOCK);
  const mine = `${process.pid} ${bootId}\n${[basename(process.argv0), relative(process.cwd(), process.argv[1] ?? '') || process.argv[1]].join(' ')}\n`;
  for (;;) {
    if (tryCreate(path, mine)) break;
    const content = read(path);
    if (content === undefined) continue;
    const holder = parse(content);
    if (!alive(holder)) {
      takeOver(path, content);
      continue;
    }
    const inside = relative(process.cwd(), dataDir);
    const shown = inside && !inside.startsWith('..') ? inside : dataDir;
    throw new DataDirInUseError(
      `the embedded database in ${shown} is in use by process ${holder.pid}${holder.command ? ` (${holder.command})` : ''}: ` +
        'stop it first (one process at a time opens it), or set DATABASE_URL or another EMBEDDED_DB_DIR',
    );
  }
  return () => {
    if (read(path) === mine) unlinkSync(path);
  };
}
