import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import { flowTypesFor } from '../../src/tools/flow-types.js';
import { PROJECT_ROOT } from '../support/server-process.js';

const run = promisify(execFile);
const FIXTURE = join(PROJECT_ROOT, 'test/fixtures/typed-flow');
const MARKER = '// @ts-expect-error';

/** Runs tsc on one file with the project's compiler options; the error lines of `file`. */
async function typeErrors(dir: string, file: string): Promise<{ ok: boolean; lines: number[]; output: string }> {
  const config = join(dir, `tsconfig.${Date.now()}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(PROJECT_ROOT, 'tsconfig.json'),
      compilerOptions: { noEmit: true, rootDir: '/', typeRoots: [join(PROJECT_ROOT, 'node_modules/@types')] },
      include: [],
      files: [file],
    }),
  );
  try {
    await run(process.execPath, [join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc'), '-p', config], { cwd: PROJECT_ROOT });
    return { ok: true, lines: [], output: '' };
  } catch (error) {
    const output = String((error as { stdout?: string }).stdout ?? error);
    const name = file.split('/').pop()!.replace(/[.]/g, '\\.');
    const lines = [...output.matchAll(new RegExp(`${name}\\((\\d+),\\d+\\): error`, 'g'))].map((match) => Number(match[1]));
    return { ok: false, lines: [...new Set(lines)].sort((a, b) => a - b), output };
  } finally {
    rmSync(config, { force: true });
  }
}

describe('typed replies are checked by the compiler', () => {
  // Outside the tree, as an ES module package like the project.
  const scratch = mkdtempSync(join(tmpdir(), 'flowgate-typed-'));
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(scratch, 'node_modules'), 'dir');
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const source = readFileSync(join(FIXTURE, 'shop.flow.ts'), 'utf8');
  const marked = source
    .split('\n')
    .map((line, index) => (line.trim().startsWith(MARKER) ? index + 2 : 0))
    .filter(Boolean);

  it('the fixture types are what flow:types generates', () => {
    expect(flowTypesFor(join(FIXTURE, 'shop.flow.json'), true, PROJECT_ROOT).status).toBe('fresh');
  });

  it('the fixture with its @ts-expect-error marks type-checks (so every marked line is an error)', async () => {
    expect(marked.length).toBeGreaterThanOrEqual(10);
    const result = await typeErrors(scratch, join(FIXTURE, 'shop.flow.ts'));
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  }, 180_000);

  it('without the marks, tsc fails on exactly the marked lines', async () => {
    // Same lines, marks turned into plain comments; imports made absolute for the scratch folder.
    const unmarked = source
      .replaceAll(MARKER, '// (expected error)')
      .replaceAll("'../../../src/", `'${PROJECT_ROOT}/src/`)
      .replaceAll("'./shop.flow-types.js'", `'${FIXTURE}/shop.flow-types.js'`);
    const file = join(scratch, 'shop.flow.ts');
    writeFileSync(file, unmarked);
    const result = await typeErrors(scratch, file);
    expect(result.ok).toBe(false);
    expect(result.lines).toEqual(marked);
  }, 180_000);
});
