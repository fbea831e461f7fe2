import { describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import {
  jsFrame,
  functionAt,
  jitMap,
  PERF_FREQUENCY,
  PERF_PARTS,
  perfPartsPerRequest,
  perfSamples,
  partOfSample,
  type PerfSample,
} from '../../bench/lib/perf-parts.js';

const PID = 4242;
const FLOWGATE = 'file:///srv/flowgate/dist/src';
const MODULES = '/srv/flowgate/node_modules';

/** A sample as `perf script -F comm,tid,time,ip,sym --no-demangle` prints it: header, frames innermost first, blank line. */
function printed(comm: string, tid: number, seconds: string, frames: string[]): string {
  return [
    `${comm} ${String(tid).padStart(7)} ${seconds.padStart(14)}: `,
    ...frames.map((frame, i) => `\t    ${(0x7f00 + i).toString(16)} ${frame}`),
    '',
  ].join('\n');
}

const lines = (text: string) => createInterface({ input: Readable.from([text]), crlfDelay: Infinity });

async function parsed(text: string): Promise<PerfSample[]> {
  const samples: PerfSample[] = [];
  for await (const sample of perfSamples(lines(text))) samples.push(sample);
  return samples;
}

// Stacks as V8 names JavaScript frames for perf (`--perf-basic-prof`), under and over native ones.
const pgWrite = [
  'tcp_sendmsg_locked',
  'do_syscall_64',
  'writev',
  'JS:^writevGeneric node:internal/stream_base_commons:125:24',
  'JS:*_pulsePipelinedQueryQueue ' + `${MODULES}/pg/lib/client.js:643:28`,
];
const rsa = [
  'ossl_rsaz_amm52x20_x2_ifma256',
  'rsa_ossl_private_decrypt',
  'JS:^ node:internal/crypto/cipher:68:30',
  `JS:*decrypt ${FLOWGATE}/flows-core/crypto/flow-decryptor.js:34:12`,
];
const router = ['Builtins_KeyedLoadIC_Megamorphic', `JS:+answer ${FLOWGATE}/flows-core/routing/flow-router.js:180:16`];
const moduleLoader = ['JS:~compileFunction node:internal/vm:120:10'];
const idle = ['finish_task_switch.isra.0', 'schedule', 'do_epoll_wait', 'epoll_pwait', 'uv__io_poll', 'uv_run'];
const scavenge = ['v8::internal::Scavenger::ScavengeObject', 'v8::internal::Heap::CollectGarbage', 'uv_run'];
const uvCheck = ['node::Environment::CheckImmediate', 'uv__run_check', 'uv_run'];

describe("perf's samples, by part of the request path", () => {
  it('reads the frames V8 names for perf, whatever its tier, a nameless function included', () => {
    expect(jsFrame('JS:*_pulsePipelinedQueryQueue /srv/flowgate/node_modules/pg/lib/client.js:643:28')).toEqual({
      functionName: '_pulsePipelinedQueryQueue',
      url: '/srv/flowgate/node_modules/pg/lib/client.js',
      lineNumber: 643,
    });
    expect(jsFrame('JS:^ node:internal/crypto/cipher:68:30')).toEqual({ functionName: '', url: 'node:internal/crypto/cipher', lineNumber: 68 });
    expect(jsFrame('JS:~get file:///srv/flowgate/dist/src/flows-core/routing/flow-registry.js:24:8')?.url).toBe(
      'file:///srv/flowgate/dist/src/flows-core/routing/flow-registry.js',
    );
    expect(jsFrame('Builtins_LoadIC')).toBeUndefined();
    expect(jsFrame('[unknown]')).toBeUndefined();
  });

  it('parses what perf script prints: thread, time in µs on its clock, the stack innermost first', async () => {
    const samples = await parsed(
      printed('MainThread', PID, '1506.000100', pgWrite) + '\n' + printed('libuv-worker', PID + 3, '1506.000200', ['write']),
    );
    expect(samples).toEqual([
      { comm: 'MainThread', tid: PID, micros: 1506_000_100, symbols: pgWrite, addresses: pgWrite.map((_, i) => 0x7f00 + i) },
      { comm: 'libuv-worker', tid: PID + 3, micros: 1506_000_200, symbols: ['write'], addresses: [0x7f00] },
    ]);
  });

  it("gives a sample to the innermost JavaScript frame that names a part: the kernel's work is its caller's", () => {
    const main = (symbols: string[]) => ({ comm: 'MainThread', tid: PID, micros: 0, symbols });
    expect(partOfSample(main(pgWrite), PID)).toBe("Node's HTTP and sockets");
    expect(partOfSample(main(pgWrite.slice(4)), PID)).toBe('database and cache drivers');
    expect(partOfSample(main(rsa), PID)).toBe('RSA unwrap');
    expect(partOfSample(main(router), PID)).toBe('flow routing and reply checks');
    // OpenSSL's frames name the crypto even when the call into Node's cipher module was inlined away.
    const inlined = (native: string) => main([native, `JS:*decrypt ${FLOWGATE}/flows-core/crypto/flow-decryptor.js:34:12`]);
    expect(partOfSample(inlined('ossl_rsaz_amm52x20_x2_ifma256'), PID)).toBe('RSA unwrap');
    expect(partOfSample(inlined('aesni_gcm_decrypt'), PID)).toBe('AES-GCM');
    expect(partOfSample(inlined('sha256_block_data_order_shaext'), PID)).toBe('HMAC and hashes');
    expect(partOfSample(inlined('v8::internal::Traversal'), PID)).toBe('decrypt and seal (Flowgate code)');
    // A stack that ends inside OpenSSL's assembly (no frame pointer there) is still the crypto's.
    expect(partOfSample(main(['bn_sqrx8x_internal', '[unknown]']), PID)).toBe('RSA unwrap');
    // Reading a socket or parsing HTTP before any JavaScript runs is Node's HTTP and sockets.
    const read = ['llhttp__internal__run', 'node::http_parser::Parser::OnStreamRead', 'uv__read', 'uv__stream_io', 'uv_run'];
    expect(partOfSample(main(read), PID)).toBe("Node's HTTP and sockets");
    // JavaScript that names no part, and native code with no JavaScript under it.
    expect(partOfSample(main(moduleLoader), PID)).toBe('other');
    expect(partOfSample(main(scavenge), PID)).toBe('garbage collection');
    expect(partOfSample(main(uvCheck), PID)).toBe(PERF_PARTS.native);
    // Waiting for events is no one's; the other threads are theirs whatever they run.
    expect(partOfSample(main(idle), PID)).toBeUndefined();
    expect(partOfSample({ comm: 'V8Worker', tid: PID + 1, symbols: scavenge }, PID)).toBe(PERF_PARTS.helpers);
    expect(partOfSample({ comm: 'libuv-worker', tid: PID + 2, symbols: ['write'] }, PID)).toBe(PERF_PARTS.threadPool);
  });

  it('counts each sample as 1/frequency s of CPU, inside its row’s windows only, per request of that row', async () => {
    const text = [
      printed('MainThread', PID, '10.000500', router), // before any window
      printed('MainThread', PID, '10.001500', router), // row 0
      printed('MainThread', PID, '10.002500', rsa), // row 0
      printed('V8Worker', PID + 1, '10.002600', scavenge), // row 0: a helper thread
      printed('MainThread', PID, '10.003500', idle), // row 0: idle, not counted
      printed('MainThread', PID, '20.001000', pgWrite), // row 1 (its second window)
      printed('MainThread', PID, '30.000000', pgWrite), // after every window
    ].join('\n');
    const [first, second] = await perfPartsPerRequest(perfSamples(lines(text)), PID, [
      [{ from: 10_001_000, to: 10_004_000, requests: 2 }],
      [
        { from: 15_000_000, to: 16_000_000, requests: 1 },
        { from: 20_000_000, to: 20_002_000, requests: 3 },
      ],
    ]);
    const sample = 1e6 / PERF_FREQUENCY;
    expect(first.requests).toBe(2);
    expect(first.parts).toEqual({
      'flow routing and reply checks': sample / 2,
      'RSA unwrap': sample / 2,
      [PERF_PARTS.helpers]: sample / 2,
    });
    expect(first.busy).toBeCloseTo((3 * sample) / 2, 6);
    expect(second).toEqual({ requests: 4, busy: sample / 4, parts: { "Node's HTTP and sockets": sample / 4 } });
  });

  it("names a JavaScript frame after the newest function at its address in node's perf map, as the map stood then", async () => {
    const map = jitMap(
      [
        '1000 100 JS:~boot /srv/flowgate/node_modules/avvio/index.js:84:24', // start-up code, collected
        '2000 80 Builtin:RecordWriteSaveFP',
        `1000 40 JS:*decrypt ${FLOWGATE}/flows-core/crypto/flow-decryptor.js:34:12`, // reuses its start
        `1080 40 JS:*answer ${FLOWGATE}/flows-core/routing/flow-router.js:180:16`, // and its end
        '',
      ].join('\n'),
    );
    expect(functionAt(map, 0x1010)).toMatch(/^JS:\*decrypt /);
    expect(functionAt(map, 0x10a0)).toMatch(/^JS:\*answer /);
    expect(functionAt(map, 0x1050)).toBeUndefined(); // between the two: the start-up code is gone
    expect(functionAt(map, 0x2000)).toBe('Builtin:RecordWriteSaveFP');
    expect(functionAt(map, 0x2080)).toBeUndefined();

    // perf named the frame after the start-up code it kept for that address; the row's map says what ran there.
    const text = printed('MainThread', PID, '10.001500', ['JS:~boot /srv/flowgate/node_modules/avvio/index.js:84:24']).replace('7f00', '1010');
    const [row] = await perfPartsPerRequest(perfSamples(lines(text)), PID, [[{ from: 10_001_000, to: 10_002_000, requests: 1 }]], [map]);
    expect(Object.keys(row.parts)).toEqual(['decrypt and seal (Flowgate code)']);
  });
});
