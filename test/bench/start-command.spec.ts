import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
});
