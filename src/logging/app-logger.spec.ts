import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { AppLogger } from './app-logger.js';

/** An AppLogger over a real pino logger writing JSON lines into memory. */
function capture(): { logger: AppLogger; lines: () => string } {
  let written = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString();
      done();
    },
  });
  return { logger: new AppLogger(pino({ level: 'debug' }, sink)), lines: () => written };
}

describe('AppLogger masks e-mail addresses and access tokens in every message', () => {
  const EMAIL = 'maria.zyxwvuts@example.com';
  const TOKEN = 'EAAGm0PX4ZCpsBAO7ZBZAqZCZCd1ZA8uZBgZBe5Z';

  it('in text messages and their stacks', () => {
    const { logger, lines } = capture();
    logger.warn(`Could not notify ${EMAIL}: proxy said Authorization: Bearer ${TOKEN}`, 'Test');
    logger.error(`Failed for ${EMAIL}`, `Error: x\n    at ${EMAIL} (file.js:1:1)`, 'Test');
    const out = lines();
    expect(out).toContain('[email]');
    expect(out).toContain('Bearer [token]');
    expect(out).not.toContain(EMAIL);
    expect(out).not.toContain(TOKEN);
  });

  it('in errors logged as such, without changing the error that was thrown', () => {
    const { logger, lines } = capture();
    const error = new Error(`No account for ${EMAIL} (token ${TOKEN})`);
    logger.error(error);
    expect(lines()).toContain('No account for [email] (token [token])');
    expect(lines()).not.toContain(EMAIL);
    expect(lines()).not.toContain(TOKEN);
    expect(error.message).toContain(EMAIL);
  });

  it('leaves other text as it is', () => {
    const { logger, lines } = capture();
    logger.log('Listening on http://127.0.0.1:3000 (4 flows, key 1a2b3c)');
    expect(JSON.parse(lines()).msg).toBe('Listening on http://127.0.0.1:3000 (4 flows, key 1a2b3c)');
  });
});
