import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { PROJECT_ROOT } from '../support/server-process.js';

const dockerfile = readFileSync(join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((line) => line.trim() && !line.trim().startsWith('#'));
const stages = dockerfile.split(/^FROM /m).slice(1);
const runtime = stages[stages.length - 1];

describe('Dockerfile', () => {
  it('is multi-stage and copies only files that exist in the repository', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const copied = instructions
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(copied.length).toBeGreaterThan(0);
    for (const path of copied) expect([path, existsSync(join(PROJECT_ROOT, path))]).toEqual([path, true]);
  });

  it('runs the built server entrypoint, with the tracing entry point loaded first and the heap kept through lulls, as npm start does; both files exist after a build', () => {
    const cmd = runtime.match(/^CMD (\[.*\])$/m);
    expect(cmd).not.toBeNull();
    const argv = JSON.parse(cmd![1]) as string[];
    expect(argv).toEqual(['node', '--no-memory-reducer', '--import', './dist/src/tracing/register.js', 'dist/src/main.js']);
    for (const file of [argv[3], argv[4]]) expect([file, existsSync(join(PROJECT_ROOT, file))]).toEqual([file, true]);
    const scripts = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).scripts;
    expect(scripts.start).toContain(argv.join(' '));
  });

  it('runs as a non-root user with production dependencies only', () => {
    const user = runtime.match(/^USER (\S+)/m);
    expect(user?.[1]).toBeDefined();
    expect(['root', '0']).not.toContain(user![1]);
    expect(runtime).toMatch(/NODE_ENV=production/);
    expect(dockerfile).toMatch(/npm prune --omit=dev|npm ci --omit=dev/);
  });

  it('switches to the unprivileged user after the last file is copied, and never back', () => {
    const steps = runtime
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((line) => line.trim());
    const users = steps.filter((line) => line.startsWith('USER '));
    expect(users).toEqual(['USER node']);
    const userAt = steps.indexOf('USER node');
    const lastChange = Math.max(...steps.map((line, index) => (/^(COPY|ADD|RUN) /.test(line) ? index : -1)));
    expect(userAt).toBeGreaterThan(lastChange);
    expect(userAt).toBeLessThan(steps.findIndex((line) => line.startsWith('CMD ')));
  });

  it('leaves the application files owned by root, so the server cannot rewrite the code it runs', () => {
    expect(runtime).not.toMatch(/--chown|--chmod|chown |chmod /);
  });

  it('gives the server user one writable folder, the media store, declared as a volume', () => {
    const created = /RUN install -d -o node -g node ([^\n]+)/.exec(runtime);
    expect(created?.[1].split(/\s+/)).toEqual(['/app/.data', '/app/.data/media']);
    expect(runtime).toMatch(/^VOLUME \["\/app\/\.data\/media"\]$/m);
    expect(runtime).toMatch(/^WORKDIR \/app$/m); // FLOW_MEDIA_DIR's default, .data/media, is relative to it
  });

  it('has a HEALTHCHECK on /health/live', () => {
    expect(runtime).toMatch(/HEALTHCHECK[\s\S]*\/health\/live/);
  });
});
