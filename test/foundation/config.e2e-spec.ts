import { describe, expect, it } from '@jest/globals';
import { runServer } from '../support/server-process.js';

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

describe('configuration is validated at boot', () => {
  it('an invalid PORT stops the boot with one line naming PORT', async () => {
    const run = await runServer({ PORT: 'abc', EMBEDDED_DB_DIR: 'memory' });
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      'flowgate: Invalid configuration: PORT must be an integer port number between 1 and 65535 (got "abc")',
    ]);
    expect(run.stdout).not.toMatch(/listening|successfully started/);
  });

  it('several invalid values are all named on the same line', async () => {
    const run = await runServer({ PORT: '70000', LOG_LEVEL: 'loud', EMBEDDED_DB_DIR: 'memory' });
    expect(run.code).toBe(1);
    const [line, ...rest] = lines(run.stderr);
    expect(rest).toEqual([]);
    expect(line).toContain('PORT must be an integer port number');
    expect(line).toContain('LOG_LEVEL must be one of');
  });

  it('production without DATABASE_URL refuses the silent embedded database', async () => {
    const run = await runServer({ NODE_ENV: 'production' });
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      'flowgate: Invalid configuration: DATABASE_URL is required when NODE_ENV=production (set EMBEDDED_DB_DIR to use the embedded database on purpose)',
    ]);
  });

  it('a malformed DATABASE_URL is named without echoing its value', async () => {
    const run = await runServer({ DATABASE_URL: 'mysql://user:hunter2@db/x' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('DATABASE_URL must be a postgres:// connection URL');
    expect(run.stderr).not.toContain('hunter2');
  });
});
