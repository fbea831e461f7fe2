// A lock file holding its owner's pid, for the build (scripts/ensure-build.mjs). The embedded
// database's lock (src/database/data-dir-lock.ts) follows the same rules: created whole or not at
// all, and taken over when the process that holds it is gone.
import { existsSync, linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';

const BOOT_ID = '/proc/sys/kernel/random/boot_id';
const bootId = existsSync(BOOT_ID) ? readFileSync(BOOT_ID, 'utf8').trim() : '-';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether the process that wrote `content` still runs (same machine boot, pid alive, not this process). */
function holderAlive(content) {
  const [pidText, boot] = content.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || (boot && boot !== bootId)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

const read = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
};

/** Creates the lock with its content in one step (a link to a written file), or returns false when it exists. */
function tryCreate(path) {
  const own = `${path}.${process.pid}`;
  writeFileSync(own, `${process.pid} ${bootId}\n`);
  try {
    linkSync(own, path);
    return true;
  } catch (error) {
    if (error.code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(own);
  }
}

/** Moves a dead holder's lock aside; if another process replaced it meanwhile, puts that one back. */
function takeOver(path, staleContent) {
  const aside = `${path}.stale.${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if (error.code === 'ENOENT') return;
    throw error;
  }
  if (read(aside) !== staleContent) {
    try {
      linkSync(aside, path);
    } catch {
      // Someone holds it again: theirs stands.
    }
  }
  unlinkSync(aside);
}

/**
 * Waits until this process holds the lock at `path`. Returns the release function, whose `waited`
 * says whether another process held the lock first. `onWait(pid)` is called once, when waiting starts.
 */
export async function acquireLock(path, { onWait = () => {}, pollMs = 200, maxWaitMs = 15 * 60_000 } = {}) {
  let waited = false;
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    if (tryCreate(path)) break;
    const content = read(path);
    if (content === undefined) continue;
    if (!holderAlive(content)) {
      takeOver(path, content);
      continue;
    }
    if (!waited) onWait(Number(content.trim().split(/\s+/)[0]));
    waited = true;
    if (Date.now() > deadline)
      throw new Error(`${path} is still held by process ${content.trim().split(/\s+/)[0]}: delete the file if that process is not a build`);
    await sleep(pollMs);
  }
  const mine = read(path);
  const release = () => {
    if (read(path) === mine) unlinkSync(path);
  };
  release.waited = waited;
  return release;
}
