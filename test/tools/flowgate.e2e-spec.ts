import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { runBuilt } from '../support/run-built.js';
import { PROJECT_ROOT } from '../support/server-process.js';

// Whatever flow modules the project has (a team adds its own).
const FLOWS = readdirSync(join(PROJECT_ROOT, 'src/flows'))
  .filter((name) => existsSync(join(PROJECT_ROOT, 'src/flows', name, `${name}.flow.json`)))
  .sort();

const flowgate = (...args: string[]) => runBuilt('dist/src/tools/flowgate.js', args);

describe('the flowgate command line (built)', () => {
  it('without a command it lists every group and command, exit 2; --help exits 0', async () => {
    const none = await flowgate();
    expect(none.code).toBe(2);
    for (const line of ['flow: ', 'meta: ', 'keys: ', 'db: ', '  simulate <flow>', '  preview-url <flow>', '  rotate [--url URL]', '  seed ']) {
      expect(none.stderr).toContain(line);
    }
    expect((await flowgate('--help')).code).toBe(0);
  });

  it('runs a command of a group, the same one its npm script runs', async () => {
    const lint = await flowgate('flow', 'lint', '--json');
    expect(lint.code).toBe(0);
    expect(JSON.parse(lint.stdout).files.map((file: { file: string }) => file.file)).toContain('src/flows/inventory/inventory.flow.json');
    const script = await runBuilt('dist/src/tools/flow-lint.js', ['--json']);
    expect(JSON.parse(script.stdout)).toEqual(JSON.parse(lint.stdout));
  });

  it("Meta's preview and the local one have different names; the old spelling still works with a note", async () => {
    const meta = await flowgate('meta', 'preview', '--help');
    expect(meta.code).toBe(0);
    expect(meta.stderr).toContain("`preview` is now `preview-url` (Meta's preview); the local preview is `flowgate flow preview`");
    expect(meta.stdout).toContain('Usage: flowgate meta preview-url <flow>');
    const local = await flowgate('flow', 'preview', '--help');
    expect(local.stdout).toContain('Usage: flowgate flow preview <flow>');
    expect(local.stdout).toContain('flowgate meta preview-url');
  });

  it('a flow-name typo lists the flows there are', async () => {
    const run = await flowgate('flow', 'simulate', 'invntory');
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `✖ No flow "invntory" in src/flows (flows: ${FLOWS.join(', ')}); for a Flow JSON elsewhere pass --flow-json <file>`,
    );
  });
});
