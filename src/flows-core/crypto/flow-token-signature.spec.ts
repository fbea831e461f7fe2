import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { AppSecrets } from '../../hub-signature/index.js';
import { verifyTokenSignature } from './flow-token-signature.js';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const CURRENT = '0123456789abcdef0123456789abcdef';
const PREVIOUS = 'fedcba9876543210fedcba9876543210';
const TOKEN = 'flow-token-0123456789';
const secrets = new AppSecrets({ current: CURRENT, previous: PREVIOUS });

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
/** A JWT as Meta makes it: HS256 over `header.payload` with the app secret. */
function jwt(claims: Record<string, unknown> = { flow_token: TOKEN }, options: { header?: unknown; secret?: string; mac?: string } = {}) {
  const signingInput = `${b64(options.header ?? { alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  const mac =
    options.mac ??
    createHmac('sha256', options.secret ?? CURRENT)
      .update(signingInput)
      .digest('base64url');
  return `${signingInput}.${mac}`;
}

describe('verifyTokenSignature (flow_token_signature, HS256 with the app secret)', () => {
  it('accepts a JWT signed with the current or the previous app secret, for this flow token', () => {
    expect(verifyTokenSignature(jwt(), TOKEN, secrets)).toEqual({ outcome: 'valid', signedWith: 'current' });
    expect(verifyTokenSignature(jwt(undefined, { secret: PREVIOUS }), TOKEN, secrets)).toEqual({ outcome: 'valid', signedWith: 'previous' });
    // Without a typ, and with other claims beside the token.
    expect(verifyTokenSignature(jwt({ flow_token: TOKEN, iat: 1 }, { header: { alg: 'HS256' } }), TOKEN, secrets).outcome).toBe('valid');
  });

  it('a signature made for another token is a mismatch', () => {
    expect(verifyTokenSignature(jwt({ flow_token: 'another-token' }), TOKEN, secrets)).toEqual({ outcome: 'mismatch', signedWith: 'current' });
  });

  it.each([
    ['signed with another secret', () => jwt(undefined, { secret: 'not-the-app-secret' }), 'no app secret signed it'],
    [
      'a tampered payload',
      () => jwt().replace(/^([^.]+)\.[^.]+/, (_, header) => `${header}.${b64({ flow_token: TOKEN, admin: true })}`),
      'no app secret signed it',
    ],
    ['a flipped MAC character', () => jwt().replace(/.$/, (last) => (last === 'A' ? 'B' : 'A')), /no app secret signed it|not an HMAC|not canonical/],
    [
      'the same MAC spelled with its unused last bits set',
      () => jwt().replace(/.$/, (last) => BASE64URL[BASE64URL.indexOf(last) | 1]),
      'the MAC is not canonical base64url',
    ],
    ['alg none without a MAC', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ flow_token: TOKEN })}.`, /not base64url|not HS256/],
    ['alg none with a valid HS256 MAC', () => jwt(undefined, { header: { alg: 'none' } }), 'the algorithm is "none", not HS256'],
    ['alg HS512', () => jwt(undefined, { header: { alg: 'HS512', typ: 'JWT' } }), 'the algorithm is "HS512", not HS256'],
    ['alg RS256', () => jwt(undefined, { header: { alg: 'RS256', typ: 'JWT' } }), 'not HS256'],
    ['alg in lower case', () => jwt(undefined, { header: { alg: 'hs256' } }), 'not HS256'],
    ['no alg', () => jwt(undefined, { header: { typ: 'JWT' } }), 'the algorithm is missing'],
    ['critical header extensions', () => jwt(undefined, { header: { alg: 'HS256', crit: ['exp'] } }), 'critical extensions'],
    ['another typ', () => jwt(undefined, { header: { alg: 'HS256', typ: 'JWE' } }), 'type is not JWT'],
    ['a header that is not JSON', () => `${b64('{oops')}.${b64({ flow_token: TOKEN })}.${'A'.repeat(43)}`, 'not a JSON object'],
    ['two parts', () => jwt().split('.').slice(0, 2).join('.'), 'three base64url parts'],
    ['four parts', () => `${jwt()}.extra`, 'three base64url parts'],
    ['padding in a part', () => jwt().replace(/\.([^.]+)\./, (_, payload) => `.${payload}==.`), 'not base64url'],
    ['a truncated MAC', () => jwt().slice(0, -2), 'not an HMAC-SHA256'],
    ['a payload that is not an object', () => jwt('just a string' as unknown as Record<string, unknown>), 'not a JSON object'],
    ['no flow_token claim', () => jwt({ token: TOKEN }), 'no flow_token (claims: token)'],
    ['a flow_token that is not a string', () => jwt({ flow_token: 42 }), 'no flow_token'],
    ['an expired one', () => jwt({ flow_token: TOKEN, exp: Math.floor(Date.now() / 1000) - 3600 }), 'expired'],
    ['one not valid yet', () => jwt({ flow_token: TOKEN, nbf: Math.floor(Date.now() / 1000) + 3600 }), 'not valid yet'],
    ['an oversized one', () => `${jwt()}${'A'.repeat(5000)}`, 'longer than'],
  ])('refuses %s', (_, make, reason) => {
    const result = verifyTokenSignature(make(), TOKEN, secrets);
    expect(result.outcome).toBe('invalid');
    if (typeof reason === 'string') expect(result.reason).toContain(reason);
    else expect(result.reason).toMatch(reason);
  });

  it('accepts a small clock skew on exp and nbf', () => {
    const now = Math.floor(Date.now() / 1000);
    expect(verifyTokenSignature(jwt({ flow_token: TOKEN, exp: now - 60, nbf: now + 60 }), TOKEN, secrets).outcome).toBe('valid');
  });

  it('a header accepted once does not make another header acceptable', () => {
    expect(verifyTokenSignature(jwt(), TOKEN, secrets).outcome).toBe('valid');
    expect(verifyTokenSignature(jwt(undefined, { header: { alg: 'none', typ: 'JWT' } }), TOKEN, secrets).outcome).toBe('invalid');
  });

  it('with no app secret configured nothing is valid (fail closed)', () => {
    expect(verifyTokenSignature(jwt(), TOKEN, new AppSecrets({})).outcome).toBe('invalid');
  });
});
