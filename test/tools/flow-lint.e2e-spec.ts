import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import { PROJECT_ROOT } from '../support/server-process.js';

const execute = promisify(execFile);
const cli = (tool: string, args: string[], cwd = PROJECT_ROOT) =>
  execute(process.execPath, [join(PROJECT_ROOT, `dist/src/tools/${tool}.js`), ...args], { cwd }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );

describe('npm run flow:lint', () => {
  it('checks every module Flow JSON by default: ✔ per clean file, exit 0', async () => {
    const { code, stdout } = await cli('flow-lint', []);
    expect(stdout).toContain('✔ src/flows/inventory/inventory.flow.json');
    expect(stdout).toContain('✔ src/flows/appointments/appointments.flow.json');
    expect(code).toBe(0);
  });

  it('prints file:line:col  message per problem and exits 1', async () => {
    const { code, stdout } = await cli('flow-lint', [
      'test/fixtures/flow-json/valid/feedback-if-footers-7.3.json',
      'test/fixtures/flow-json/broken/data-reference-undeclared.json',
    ]);
    expect(stdout.split('\n')).toEqual(
      expect.arrayContaining([
        '✔ test/fixtures/flow-json/valid/feedback-if-footers-7.3.json',
        '✖ test/fixtures/flow-json/broken/data-reference-undeclared.json:81:13  `${data.stok}` is not declared by screen AVAILABILITY; declared: stock, name, items',
        '✖ 1 problem in 1 of 2 files',
      ]),
    );
    expect(code).toBe(1);
  });

  it('--json reports every file with its problems', async () => {
    const { code, stdout } = await cli('flow-lint', ['--json', 'test/fixtures/flow-json/broken/range.json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      ok: false,
      files: [
        {
          file: 'test/fixtures/flow-json/broken/range.json',
          problems: [
            {
              pointer: '/screens/1/layout/children/3/max-uploaded-photos',
              line: 94,
              column: 13,
              message: '`max-uploaded-photos` must be at most 30 (got 31)',
              severity: 'error',
            },
          ],
          warnings: [],
        },
      ],
    });
  });

  it('a file with warnings only is valid: ⚠ per warning, exit 0', async () => {
    const file = 'test/fixtures/flow-json/warnings/terminal-footer-navigates.json';
    const { code, stdout } = await cli('flow-lint', [file]);
    expect(stdout.split('\n')).toEqual([
      `⚠ ${file}:56:15  warning: the Footer of terminal screen LAST does not end the flow ("navigate"): Meta advises "complete" there`,
      `✔ ${file} (1 warning)`,
      '✔ 1 file valid, 1 warning',
      '',
    ]);
    expect(code).toBe(0);

    const json = await cli('flow-lint', ['--json', file]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: true,
      files: [{ file, problems: [], warnings: [expect.objectContaining({ line: 56, column: 15, severity: 'warning' })] }],
    });
  });

  it('errors fail the lint and the summary counts the warnings beside them', async () => {
    const { code, stdout } = await cli('flow-lint', [
      'test/fixtures/flow-json/warnings/embedded-link-over-25.json',
      'test/fixtures/flow-json/broken/sensitive-before-5.1.json',
    ]);
    const lines = stdout.split('\n');
    expect(lines.filter((line) => line.startsWith('⚠ '))).toHaveLength(2);
    expect(lines).toEqual(
      expect.arrayContaining([
        '✔ test/fixtures/flow-json/warnings/embedded-link-over-25.json (1 warning)',
        expect.stringMatching(
          /^✖ test\/fixtures\/flow-json\/broken\/sensitive-before-5\.1\.json:8:7 {2}the screen property "sensitive" needs Flow JSON 5\.1/,
        ),
        '✖ 1 problem in 1 of 2 files, 2 warnings',
      ]),
    );
    expect(code).toBe(1);
  });

  it('a missing file is a problem line, not a crash', async () => {
    const { code, stdout } = await cli('flow-lint', ['nope.flow.json']);
    expect([code, stdout.split('\n')[0]]).toEqual([1, '✖ nope.flow.json:1:1  cannot read the file: ENOENT']);
  });
});

describe('npm run flow:types -- --check', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'flowgate-types-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('passes when the types file is fresh, fails naming it when stale, and regenerates it', async () => {
    cpSync(join(PROJECT_ROOT, 'test/fixtures/typed-flow'), scratch, { recursive: true });
    const flowJson = join(scratch, 'shop.flow.json');
    const fresh = await cli('flow-types', ['--check', flowJson]);
    // The import path of the Flow JSON room differs outside the tree only when media types are used; shop has none.
    expect([fresh.code, fresh.stdout.trim()]).toEqual([0, `✔ ${join(scratch, 'shop.flow-types.ts')} is up to date`]);

    writeFileSync(join(scratch, 'shop.flow-types.ts'), '// edited by hand\n');
    const stale = await cli('flow-types', ['--check', flowJson]);
    expect([stale.code, stale.stdout.trim()]).toEqual([1, `✖ ${join(scratch, 'shop.flow-types.ts')} is stale or missing: run npm run flow:types`]);

    const written = await cli('flow-types', [flowJson]);
    expect(written.code).toBe(0);
    expect((await cli('flow-types', ['--check', flowJson])).code).toBe(0);
  });
});
