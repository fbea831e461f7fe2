import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { FLOWGATE_MAIN, FLOWGATE_NODE_ARGS } from '../../bench/lib/flowgate.js';
import { PROJECT_ROOT } from '../support/server-process.js';

// The benchmark measures Flowgate as it is deployed: with the node flags `npm start` gives (the
// Dockerfile's CMD is held to `npm start` by test/foundation/dockerfile.spec.ts).
describe('the benchmark starts Flowgate as npm start does', () => {
  it('with the same node flags, in the same order, before the same entry point', () => {
    const { start } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).scripts as { start: string };
    expect(start).toContain(`node ${FLOWGATE_NODE_ARGS.join(' ')} ${FLOWGATE_MAIN}`);
  });

  it('with flags this node accepts (node refuses to start on an unknown one)', async () => {
    // Every flag but the module loaded first (it needs a build).
    const flags = FLOWGATE_NODE_ARGS.filter((arg, index, all) => arg !== '--import' && all[index - 1] !== '--import');
    expect(flags).toContain('--single-threaded-gc');
    const { stdout } = await promisify(execFile)(process.execPath, [...flags, '-e', 'process.stdout.write("started")']);
    expect(stdout).toBe('started');
  });
});
