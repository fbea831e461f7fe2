import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { PGlite } from '@electric-sql/pglite';
import { createInMemory, templateFile } from './pglite-template.js';

describe('in-memory embedded databases start from a kept copy of an empty data directory', () => {
  const roots: string[] = [];
  const open: PGlite[] = [];
  const project = (withModules: boolean) => {
    const root = mkdtempSync(join(tmpdir(), 'flowgate-template-'));
    if (withModules) mkdirSync(join(root, 'node_modules'));
    roots.push(root);
    return root;
  };
  const start = async (root: string) => {
    const db = await createInMemory(root);
    open.push(db);
    return db;
  };
  const cacheFolder = (root: string) => join(root, 'node_modules', '.cache', 'flowgate');
  const tables = async (db: PGlite) =>
    (await db.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`)).rows.map((row) => row.name);

  afterAll(async () => {
    await Promise.all(open.map((db) => db.close().catch(() => undefined)));
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it('the first start keeps the copy (owner-only); the next starts from it, empty whatever the first wrote', async () => {
    const root = project(true);
    const first = await start(root);
    await first.query('CREATE TABLE written_by_the_first (n int)');
    const kept = readdirSync(cacheFolder(root));
    expect(kept).toEqual([expect.stringMatching(/^pglite-\d+\.\d+\.\d+-initdb\.tar\.gz$/)]);
    expect(statSync(join(cacheFolder(root), kept[0])).mode & 0o777).toBe(0o600);

    const second = await start(root);
    expect(await tables(second)).toEqual([]);
    await second.query('CREATE TABLE t (n int)');
    await second.query('INSERT INTO t VALUES (1)');
    expect((await second.query('SELECT n FROM t')).rows).toEqual([{ n: 1 }]);
    expect(await tables(first)).toEqual(['written_by_the_first']);
  });

  it('a copy that does not load is made again, and the database starts anyway', async () => {
    const root = project(true);
    // The copy's place, as the first start would name it, holding something else.
    const file = templateFile(root)!;
    expect(dirname(file)).toBe(cacheFolder(root));
    mkdirSync(cacheFolder(root), { recursive: true });
    writeFileSync(file, 'not a data directory');
    const db = await start(root);
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(statSync(file).size).toBeGreaterThan(1_000_000);
    expect(readdirSync(cacheFolder(root))).toEqual([basename(file)]);
  });

  it('keeps nothing where the project has no node_modules folder', async () => {
    const root = project(false);
    const db = await start(root);
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(existsSync(join(root, 'node_modules'))).toBe(false);
  });
});
