import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partsPerRequest, partsTable, type CpuProfile, type ProfileFrame } from '../../bench/lib/profile-parts.js';
import { rowParts } from '../../bench/lib/profiled-rows.js';
import type { Measurement } from '../../bench/lib/report.js';

const FLOWGATE = 'file:///srv/flowgate/dist/src';
const MODULES = 'file:///srv/flowgate/node_modules';

/**
 * A profile as `node --cpu-prof` writes it: a call tree, and samples (node ids) each `delta` µs after
 * the one before. `stacks` names each sample's stack from the root down.
 */
function profile(startTime: number, samples: Array<{ stack: ProfileFrame[]; delta: number }>): CpuProfile {
  const nodes: CpuProfile['nodes'] = [{ id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [] }];
  const idOf = (stack: ProfileFrame[]) => {
    let parent = nodes[0];
    for (const frame of stack) {
      let child = (parent.children ?? [])
        .map((id) => nodes.find((entry) => entry.id === id)!)
        .find((entry) => entry.callFrame.functionName === frame.functionName && entry.callFrame.url === frame.url);
      if (!child) {
        child = { id: nodes.length + 1, callFrame: frame, children: [] };
        nodes.push(child);
        parent.children!.push(child.id);
      }
      parent = child;
    }
    return parent.id;
  };
  return { nodes, startTime, samples: samples.map((sample) => idOf(sample.stack)), timeDeltas: samples.map((sample) => sample.delta) };
}

const frame = (functionName: string, url: string, lineNumber = 1): ProfileFrame => ({ functionName, url, lineNumber });
const fastify = frame('runPreParsing', `${MODULES}/fastify/lib/route.js`);
const guard = frame('canActivate', `${FLOWGATE}/flows-core/http/flow-signature.guard.js`);
const hmac = frame('Hmac', 'node:internal/crypto/hash');
const rsa = frame('', 'node:internal/crypto/cipher', 68);
const decrypt = frame('decrypt', `${FLOWGATE}/flows-core/crypto/flow-decryptor.js`);
const logLine = frame('', `${FLOWGATE}/logging/logging.module.js`, 58);
const fsWrite = frame('writeSync', 'node:fs');
const nativeWrite = frame('writeString', '');
const idle = frame('(idle)', '');

describe("the profile's samples, by part of the request path", () => {
  it('gives each sample to the innermost frame that names a part, inside the load windows only, per request', () => {
    const sampled = profile(1_000, [
      { stack: [fastify, guard, hmac], delta: 100 }, // at 1,100: before the window
      { stack: [fastify, guard, hmac], delta: 100 }, // 1,200
      { stack: [fastify, guard], delta: 100 }, // 1,300
      { stack: [fastify, decrypt, rsa], delta: 400 }, // 1,700
      { stack: [logLine, fsWrite, nativeWrite], delta: 50 }, // 1,750: a native write is its caller's
      { stack: [idle], delta: 250 }, // 2,000: idle is no one's
      { stack: [fastify], delta: 80 }, // 2,080: after the window
    ]);
    const parts = partsPerRequest(sampled, [{ from: 1_100, to: 2_000, requests: 2 }]);
    expect(parts.parts).toEqual({
      'HMAC and hashes': 50,
      'signature guard': 50,
      'RSA unwrap': 200,
      'completion log line': 25,
    });
    expect(parts.busy).toBe(325);
    expect(parts.requests).toBe(2);
  });

  it('adds up several windows (the rounds of one row) and their requests', () => {
    const sampled = profile(0, [
      { stack: [fastify], delta: 100 }, // 100: round 1
      { stack: [fastify], delta: 100 }, // 200: between rounds (another server's turn)
      { stack: [fastify], delta: 100 }, // 300: round 2
    ]);
    const parts = partsPerRequest(sampled, [
      { from: 0, to: 150, requests: 1 },
      { from: 250, to: 350, requests: 3 },
    ]);
    expect(parts.parts).toEqual({ Fastify: 50 });
  });

  it('prints one line per part, the largest difference between the first two columns first', () => {
    const flowgate = { requests: 1, busy: 60, parts: { Nest: 30, 'RSA unwrap': 30 } };
    const floor = { requests: 1, busy: 35, parts: { Nest: 5, 'RSA unwrap': 30 } };
    const lines = partsTable([
      { title: 'flowgate', parts: flowgate },
      { title: 'floor', parts: floor },
    ]).split('\n');
    expect(lines[1]).toMatch(/^Nest +30\.0 +5\.0$/);
    expect(lines[2]).toMatch(/^RSA unwrap +30\.0 +30\.0$/);
    expect(lines[3]).toMatch(/^all of it +60\.0 +35\.0$/);
  });

  it("finds each row's profile by its server's pid, and leaves out a server that answered nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowgate-profiles-'));
    try {
      writeFileSync(join(dir, 'CPU.20261207.080931.4242.0.001.cpuprofile'), JSON.stringify(profile(0, [{ stack: [fastify], delta: 100 }])));
      writeFileSync(join(dir, 'CPU.20261207.080931.4343.0.001.cpuprofile'), JSON.stringify(profile(0, [{ stack: [idle], delta: 100 }])));
      const row = (target: string) => ({ target, scenario: 'ping', concurrency: 64 }) as Measurement;
      const window = [{ from: 0, to: 200, requests: 4 }];
      const found = rowParts(dir, [
        { row: row('flowgate'), pid: 4242, windows: window },
        { row: row('idle primary'), pid: 4343, windows: window },
        { row: row('no profile'), pid: 4444, windows: window },
      ]);
      expect(found).toEqual([
        {
          target: 'flowgate',
          scenario: 'ping',
          concurrency: 64,
          profile: 'CPU.20261207.080931.4242.0.001.cpuprofile',
          requests: 4,
          busy: 25,
          parts: { Fastify: 25 },
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
