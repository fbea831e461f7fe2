import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROJECT_ROOT } from '../support/server-process.js';

const run = promisify(execFile);
const SCAFFOLDER = join(PROJECT_ROOT, 'dist/src/tools/flow-new.js');
/** The modules src/flows/index.ts lists in a project, in order (however the list is wrapped). */
const listedModules = (root: string) =>
  /flowModules = \[([^\]]*)\]/
    .exec(readFileSync(join(root, 'src/flows/index.ts'), 'utf8'))![1]
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

describe('npm run flow:new', () => {
  // A copy of the project (sharing node_modules) so the real tree is never touched.
  const copy = mkdtempSync(join(tmpdir(), 'flowgate-new-'));
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: process.env.DATABASE_URL,
    NODE_OPTIONS: '--experimental-vm-modules',
  } as NodeJS.ProcessEnv;

  beforeAll(() => {
    for (const entry of [
      'src',
      'test',
      'preview',
      'bench',
      'migrations',
      'scripts',
      'package.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'nest-cli.json',
      'eslint.config.mjs',
      '.prettierrc.json',
      '.prettierignore',
    ]) {
      // bench/ for the type-check (its own tests import it), without what a benchmark run wrote.
      cpSync(join(PROJECT_ROOT, entry), join(copy, entry), { recursive: true, filter: (source) => source !== join(PROJECT_ROOT, 'bench/out') });
    }
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('generates a flow module that type-checks, is registered, and whose own test passes unedited', async () => {
    const { stdout } = await run(process.execPath, [SCAFFOLDER, 'gift-cards'], { cwd: copy, env });
    expect(stdout).toContain('registered GiftCardsFlowModule');
    for (const file of [
      'gift-cards.module.ts',
      'gift-cards.flow.ts',
      'gift-cards.service.ts',
      'gift-cards.flow.json',
      'gift-cards.flow-types.ts',
      'gift-cards.e2e-spec.ts',
      'index.ts',
      'dto/start.dto.ts',
      'dto/done.dto.ts',
    ]) {
      expect([file, existsSync(join(copy, 'src/flows/gift-cards', file))]).toEqual([file, true]);
    }
    const index = readFileSync(join(copy, 'src/flows/index.ts'), 'utf8');
    expect(index).toContain("import { GiftCardsFlowModule } from './gift-cards/index.js';");
    // Added after the modules the project already lists (the examples and any a team added).
    expect(listedModules(copy)).toEqual([...listedModules(PROJECT_ROOT), 'GiftCardsFlowModule']);
    const flowJson = JSON.parse(readFileSync(join(copy, 'src/flows/gift-cards/gift-cards.flow.json'), 'utf8'));
    expect([flowJson.version, flowJson.data_api_version]).toEqual(['7.3', '4.0']);

    // --table: an entity, its migration in the flow's folder (listed by its module), demo data.
    const table = await run(process.execPath, [SCAFFOLDER, 'loyalty-club', '--table', 'loyalty_members'], { cwd: copy, env });
    expect(table.stdout).toContain('✔ Table loyalty_members');
    const module = readFileSync(join(copy, 'src/flows/loyalty-club/loyalty-club.module.ts'), 'utf8');
    const migration = readdirSync(join(copy, 'src/flows/loyalty-club/migrations')).find((file) => /^\d{13}-LoyaltyClub\.ts$/.test(file));
    expect(migration).toBeDefined();
    expect(module).toMatch(/DatabaseModule\.forFeature\(\{ entities: \[LoyaltyMember\], migrations: \[LoyaltyClub\d{13}\] \}\)/);
    expect(existsSync(join(copy, 'src/flows/loyalty-club/entities/loyalty-member.entity.ts'))).toBe(true);
    expect(existsSync(join(copy, 'src/flows/loyalty-club/loyalty-club.demo-data.ts'))).toBe(true);
    expect(existsSync(join(copy, 'migrations/' + migration!))).toBe(false);

    expect(stdout).toContain('✔ gift-cards.flow.json passes npm run flow:lint');
    // The generated types are what flow:types writes, and the module type-checks against them.
    await run(process.execPath, [join(PROJECT_ROOT, 'dist/src/tools/flow-types.js'), '--check'], { cwd: copy, env });
    await run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json'], { cwd: copy, env });
    // It keeps to the boundaries: the flow reaches the core, the rooms and the foundation only through their entries.
    const scaffolds = ['src/flows/gift-cards', 'src/flows/loyalty-club', 'src/flows/index.ts'];
    await run(process.execPath, ['node_modules/eslint/bin/eslint.js', ...scaffolds], { cwd: copy, env });
    // npm run lint's other half: the scaffold is formatted as Prettier writes it.
    await run(process.execPath, ['node_modules/prettier/bin/prettier.cjs', '--check', ...scaffolds], { cwd: copy, env });
    // The tests pass unedited: the table's migration and demo data run on the database of the environment
    // (a fresh Postgres database when DATABASE_URL is set), then on the embedded database.
    const jest = (folders: string[], database: string | undefined) =>
      run(process.execPath, ['node_modules/jest/bin/jest.js', ...folders, '--ci'], { cwd: copy, env: { ...env, DATABASE_URL: database } }).catch(
        (error: { stdout: string; stderr: string }) => error,
      );
    expect((await jest(['src/flows/gift-cards', 'src/flows/loyalty-club'], env.DATABASE_URL)).stderr).toMatch(/Tests:\s+5 passed, 5 total/);
    expect((await jest(['src/flows/loyalty-club'], undefined)).stderr).toMatch(/Tests:\s+3 passed, 3 total/);
  }, 360_000);

  it('refuses a bad name and an existing folder', async () => {
    await expect(run(process.execPath, [SCAFFOLDER, 'Bad Name'], { cwd: copy, env })).rejects.toMatchObject({ code: 2 });
    await expect(run(process.execPath, [SCAFFOLDER, 'inventory'], { cwd: copy, env })).rejects.toMatchObject({
      stderr: expect.stringContaining('src/flows/inventory already exists'),
    });
  });
});
