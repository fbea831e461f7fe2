import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ADMIN_TOKEN = 'limit-admin-token-0123456789';

/**
 * Failed admin token attempts, limited per client address. The server trusts the local proxy's
 * X-Forwarded-For (TRUST_PROXY), so one test can speak from several addresses.
 */
describe('failed admin token attempts', () => {
  let test: TestApp;

  const get = (from: string, token: string | undefined, path = '/admin/webhooks') =>
    fetch(`${test.url}${path}`, {
      headers: { 'x-forwarded-for': from, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    });
  const post = (from: string, token: string) =>
    fetch(`${test.url}/admin/keys/reload`, {
      method: 'POST',
      headers: { 'x-forwarded-for': from, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(100_000) }),
    });

  beforeAll(async () => {
    test = await startTestApp({
      env: { ADMIN_TOKEN, TRUST_PROXY: '127.0.0.1', ADMIN_TOKEN_MAX_FAILURES: '5', ADMIN_TOKEN_FAILURE_WINDOW_S: '120' },
    });
  });
  afterAll(async () => test?.close());

  it('an address that failed 5 times is 429 with Retry-After, whatever it sends next', async () => {
    const attacker = '198.51.100.7';
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(attacker, `guess-${i}-0123456789abcdef`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    for (const refused of [await get(attacker, 'guess-6-0123456789abcdef'), await get(attacker, undefined), await post(attacker, 'guess-7')]) {
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(120);
      expect(((await refused.json()) as { message: string }).message).toMatch(/too many failed admin token attempts/i);
    }
    // Not compared any more: even the right token cannot tell the address it was right.
    expect((await get(attacker, ADMIN_TOKEN)).status).toBe(429);
  });

  it('other addresses, and their right tokens, are not affected', async () => {
    expect((await get('203.0.113.9', ADMIN_TOKEN)).status).toBe(200);
    expect((await get('203.0.113.10', 'wrong-token-0123456789abcdef')).status).toBe(401);
  });

  it('successful requests never count, and a success forgets earlier failures', async () => {
    const operator = '192.0.2.44';
    for (let i = 0; i < 30; i++) expect((await get(operator, ADMIN_TOKEN)).status).toBe(200);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) expect((await get(operator, 'typo-0123456789abcdef')).status).toBe(401);
      expect((await get(operator, ADMIN_TOKEN)).status).toBe(200);
    }
  });

  it('requests outside the admin API are not counted or limited', async () => {
    const attacker = '198.51.100.99';
    for (let i = 0; i < 10; i++) expect((await get(attacker, 'nope-0123456789abcdef', '/health/live')).status).toBe(200);
    expect((await get(attacker, ADMIN_TOKEN)).status).toBe(200);
  });
});
