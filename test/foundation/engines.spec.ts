import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import semver from 'semver';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { version?: string; dev?: boolean; engines?: { node?: string } | string[] }>;
};

/** The Node lines CI runs the suite on (the machine's own and the current LTS), at the lowest release `engines` claims. */
const TESTED = ['20.19.0', '24.11.0'];

describe('the Node versions we claim', () => {
  it('engines names exactly the lines CI tests', () => {
    for (const version of TESTED) expect([version, semver.satisfies(version, pkg.engines.node)]).toEqual([version, true]);
    for (const untested of ['18.20.0', '22.12.0', '26.0.0'])
      expect([untested, semver.satisfies(untested, pkg.engines.node)]).toEqual([untested, false]);
  });

  it('no production dependency declares engines that exclude one of them', () => {
    const excluding: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (!path || entry.dev) continue;
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (!range) continue;
      for (const version of TESTED) {
        if (!semver.satisfies(version, range))
          excluding.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${range}, not ${version}`);
      }
    }
    expect(excluding).toEqual([]);
  });
});
