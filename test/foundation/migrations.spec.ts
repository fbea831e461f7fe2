import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { migrations as coreMigrations } from '../../migrations/index.js';
import { AppModule } from '../../src/app.module.js';
import { migrationsOf } from '../../src/database/database-feature.js';
import { PROJECT_ROOT } from '../support/server-process.js';

/** `1795250000000-Inventory.ts` → `Inventory1795250000000`, the class name TypeORM records. */
const classNamesIn = (dir: string) =>
  readdirSync(join(PROJECT_ROOT, dir))
    .filter((file) => /^\d+-.+\.ts$/.test(file))
    .map((file) => {
      const [timestamp, name] = file.replace(/\.ts$/, '').split('-');
      return { name: `${name}${timestamp}`, timestamp: Number(timestamp) };
    });

const flowFolders = readdirSync(join(PROJECT_ROOT, 'src/flows'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

describe('migrations', () => {
  it('migrations/index.ts lists every core migration file, oldest first, and nothing else', () => {
    const files = classNamesIn('migrations').sort((a, b) => a.timestamp - b.timestamp);
    expect(coreMigrations.map((migration) => new migration().name)).toEqual(files.map((file) => file.name));
  });

  it("the app's module tree declares every migration file of every flow folder, and the core's, oldest first", () => {
    const files = [
      ...classNamesIn('migrations'),
      ...flowFolders.flatMap((flow) => {
        try {
          return classNamesIn(`src/flows/${flow}/migrations`);
        } catch {
          return []; // a flow without tables
        }
      }),
    ].sort((a, b) => a.timestamp - b.timestamp);
    const collected = migrationsOf(AppModule.forRoot()).map((migration) => new migration().name);
    expect(collected).toEqual(files.map((file) => file.name));
  });
});
