import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
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
      'migrations',
      'scripts',
      'package.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'nest-cli.json',
      'eslint.config.mjs',
    ]) {
      cpSync(join(PROJECT_ROOT, entry), join(copy, entry), { recursive: true });
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

    expect(stdout).toContain('✔ gift-cards.flow.json passes npm run flow:lint');
    // The generated types are what flow:types writes, and the module type-checks against them.
    await run(process.execPath, [join(PROJECT_ROOT, 'dist/src/tools/flow-types.js'), '--check'], { cwd: copy, env });
    await run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json'], { cwd: copy, env });
    // It keeps to the boundaries: the flow reaches the core, the rooms and the foundation only through their entries.
    await run(process.execPath, ['node_modules/eslint/bin/eslint.js', 'src/flows/gift-cards', 'src/flows/index.ts'], { cwd: copy, env });
    const jest = await run(process.execPath, ['node_modules/jest/bin/jest.js', 'src/flows/gift-cards', '--ci'], { cwd: copy, env }).catch(
      (error: { stdout: string; stderr: string }) => error,
    );
    expect(jest.stderr).toMatch(/Tests:\s+2 passed, 2 total/);
  }, 240_000);

  it('refuses a bad name and an existing folder', async () => {
    await expect(run(process.execPath, [SCAFFOLDER, 'Bad Name'], { cwd: copy, env })).rejects.toMatchObject({ code: 2 });
    await expect(run(process.execPath, [SCAFFOLDER, 'inventory'], { cwd: copy, env })).rejects.toMatchObject({
      stderr: expect.stringContaining('src/flows/inventory already exists'),
    });
  });
});
