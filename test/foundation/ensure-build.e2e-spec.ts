import { execFile, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { eventually } from '../support/eventually.js';
import { PROJECT_ROOT } from '../support/server-process.js';

/**
 * A stand-in for `nest build`: it empties dist/ as nest build does (deleteOutDir), logs its start and
 * end, and while the file `hold` exists it waits, so a test can start a second command mid-build.
 */
const FAKE_NEST = `import { appendFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
appendFileSync('builds.log', 'start\\n');
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist/src', { recursive: true });
while (existsSync('hold')) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
writeFileSync('dist/src/main.js', '');
appendFileSync('builds.log', 'end\\n');
`;

interface Run {
  code: number | null;
  stderr: string;
}

/** `scripts/ensure-build.mjs` and the package.json scripts that run it, in a project whose build is FAKE_NEST. */
describe('the build (scripts/ensure-build.mjs)', () => {
  let dir: string;
  const env = { PATH: process.env.PATH, HOME: process.env.HOME } as NodeJS.ProcessEnv;
  const builds = () => (existsSync(join(dir, 'builds.log')) ? readFileSync(join(dir, 'builds.log'), 'utf8') : '');
  const start = (...args: string[]) => {
    const child = spawn(process.execPath, ['scripts/ensure-build.mjs', ...args], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const done = new Promise<Run>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
    return { child, done, stderr: () => stderr };
  };
  const npmRun = (script: string, extra: NodeJS.ProcessEnv = {}) =>
    promisify(execFile)('npm', ['run', '--silent', script], { cwd: dir, env: { ...env, ...extra } }).then(
      ({ stderr }) => ({ code: 0, stderr }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowgate-build-'));
    mkdirSync(join(dir, 'scripts'));
    for (const file of ['package.json', 'scripts/ensure-build.mjs', 'scripts/lock-file.mjs']) copyFileSync(join(PROJECT_ROOT, file), join(dir, file));
    writeFileSync(join(dir, 'scripts/build-preview.mjs'), "import { mkdirSync } from 'node:fs';\nmkdirSync('dist/preview', { recursive: true });\n");
    mkdirSync(join(dir, 'node_modules/@nestjs/cli/bin'), { recursive: true });
    writeFileSync(join(dir, 'node_modules/@nestjs/cli/bin/nest.js'), FAKE_NEST);
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src/main.ts'), 'export {};\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('npm run build builds and keeps the stamp: the next command does not build again, a changed source does', async () => {
    expect(await npmRun('build')).toMatchObject({ code: 0 });
    expect(builds()).toBe('start\nend\n');
    expect(existsSync(join(dir, 'dist/.build-stamp'))).toBe(true);

    expect(await start().done).toEqual({ code: 0, stderr: '' });
    expect(builds()).toBe('start\nend\n');

    const later = new Date(Date.now() + 5_000);
    utimesSync(join(dir, 'src/main.ts'), later, later);
    expect((await start().done).code).toBe(0);
    expect(builds()).toBe('start\nend\n'.repeat(2));
    expect(existsSync(join(dir, '.build.lock'))).toBe(false);
  });

  it('two commands started together: one builds, the other waits for it and finds dist/ fresh', async () => {
    writeFileSync(join(dir, 'hold'), '');
    const first = start();
    await eventually(
      async () => builds(),
      (log) => log === 'start\n',
    );
    const second = start();
    // It names the process it waits for: the first command, which holds the lock.
    const waiting = await eventually(
      async () => second.stderr(),
      (text) => text.includes('Waiting for the build'),
    );
    expect(waiting).toContain(`Waiting for the build in process ${first.child.pid} (.build.lock)`);
    expect(readFileSync(join(dir, '.build.lock'), 'utf8')).toMatch(new RegExp(`^${first.child.pid} `));
    rmSync(join(dir, 'hold'));
    expect((await first.done).code).toBe(0);
    expect((await second.done).code).toBe(0);
    expect(builds()).toBe('start\nend\n');
    expect(second.stderr()).not.toContain('Building');
    expect(existsSync(join(dir, 'dist/.build-stamp'))).toBe(true);
    expect(existsSync(join(dir, '.build.lock'))).toBe(false);
  });

  it('a lock left by a process that is gone (or by a process of an earlier boot) is taken over', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(dir, '.build.lock'), `${gone}\n`);
    const run = await start().done;
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('Waiting');
    expect(builds()).toBe('start\nend\n');

    // A live pid, but written under another boot of the machine: not the same process.
    writeFileSync(join(dir, '.build.lock'), `${process.pid} not-this-boot\n`);
    expect((await npmRun('build')).code).toBe(0);
    expect(builds()).toBe('start\nend\n'.repeat(2));
    expect(existsSync(join(dir, '.build.lock'))).toBe(false);
  });

  it('migration:run and migration:revert without DATABASE_URL name it, before any build', async () => {
    for (const script of ['migration:run', 'migration:revert']) {
      const run = await npmRun(script);
      expect(run.code).not.toBe(0);
      expect(run.stderr.trim()).toBe('✖ DATABASE_URL is not set (in the environment or .env): this command needs it.');
    }
    expect(builds()).toBe('');
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });
});

describe('npm test', () => {
  it("runs Jest with Node's options that keep the VM-modules warning out of every run", () => {
    const script = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.test;
    const options = /&& node ((?:--\S+ )+)node_modules\/jest\/bin\/jest\.js$/.exec(script)![1].trim().split(' ');
    expect(options).toContain('--experimental-vm-modules');
    // What Jest does with ES modules: without the other option, Node prints an ExperimentalWarning.
    const useVmModules = ['-e', "new (require('node:vm').SourceTextModule)('')"];
    expect(spawnSync(process.execPath, ['--experimental-vm-modules', ...useVmModules], { encoding: 'utf8' }).stderr).toContain('ExperimentalWarning');
    expect(spawnSync(process.execPath, [...options, ...useVmModules], { encoding: 'utf8' }).stderr).toBe('');
  });
});
