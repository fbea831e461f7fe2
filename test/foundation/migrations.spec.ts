import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { migrations } from '../../migrations/index.js';
import { PROJECT_ROOT } from '../support/server-process.js';

describe('migrations/index.ts', () => {
  it('lists every migration file, oldest first', () => {
    const files = readdirSync(join(PROJECT_ROOT, 'migrations'))
      .filter((file) => /^\d+-.+\.ts$/.test(file))
      .sort((a, b) => Number(a.split('-')[0]) - Number(b.split('-')[0]));
    const listed = migrations.map((migration) => new migration().name);
    const expected = files.map((file) => {
      const [timestamp, name] = file.replace(/\.ts$/, '').split('-');
      return `${name}${timestamp}`;
    });
    expect(listed).toEqual(expected);
  });
});
