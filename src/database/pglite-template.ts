import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';

/**
 * An in-memory embedded database (`EMBEDDED_DB_DIR=memory`: `npm test` without DATABASE_URL, the
 * fresh-machine check) starts from a copy of an empty, freshly initialised data directory instead of
 * running Postgres's initdb again: about 1.3 s instead of 4. The first such start makes the copy and
 * keeps it in the project's cache folder (`node_modules/.cache/flowgate`, named by PGlite's version);
 * where that folder cannot be written (a read-only image), every start runs initdb as before. A copy
 * that does not load is deleted and made again.
 */
export async function createInMemory(projectRoot = process.cwd()): Promise<PGlite> {
  const file = templateFile(projectRoot);
  const copy = file && existsSync(file) ? readCopy(file) : undefined;
  if (copy) return PGlite.create({ loadDataDir: new Blob([copy], { type: 'application/x-tar' }) });
  const db = await PGlite.create();
  if (file) await keep(db, file).catch(() => undefined);
  return db;
}

/**
 * The copy's tar, checked here: gzip's CRC catches a damaged or cut file (PGlite, given a bad archive,
 * would also leave a promise rejected with nobody to catch it). A bad copy is deleted.
 */
function readCopy(file: string): Buffer | undefined {
  try {
    const tar = gunzipSync(readFileSync(file));
    if (tar.toString('latin1', 257, 262) === 'ustar') return tar;
  } catch {
    // made again below
  }
  rmSync(file, { force: true });
  return undefined;
}

/** Where the copy lives, or nothing when the project has no node_modules to keep a cache in. */
export function templateFile(projectRoot: string): string | undefined {
  const modules = join(projectRoot, 'node_modules');
  if (!existsSync(modules)) return undefined;
  return join(modules, '.cache', 'flowgate', `pglite-${pgliteVersion()}-initdb.tar.gz`);
}

function pgliteVersion(): string {
  // The package's entry lives in its dist/ folder; its package.json one level up.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** Written beside, then renamed into place: a concurrent start reads a whole copy or none. */
async function keep(db: PGlite, file: string): Promise<void> {
  const dump = await db.dumpDataDir('gzip');
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  try {
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
}
