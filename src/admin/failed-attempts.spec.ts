import { describe, expect, it } from '@jest/globals';
import { clientKey, FailedAttempts } from './failed-attempts.js';

describe('FailedAttempts', () => {
  it('refuses an address after its failures, until its window ends', () => {
    let now = 1_000_000;
    const attempts = new FailedAttempts(3, 60_000, 100, () => now);
    for (let i = 0; i < 3; i++) {
      expect(attempts.retryAfterS('198.51.100.7')).toBe(0);
      attempts.failed('198.51.100.7');
    }
    expect(attempts.retryAfterS('198.51.100.7')).toBe(60);
    expect(attempts.retryAfterS('198.51.100.8')).toBe(0);
    now += 59_500;
    expect(attempts.retryAfterS('198.51.100.7')).toBe(1);
    now += 500;
    expect(attempts.retryAfterS('198.51.100.7')).toBe(0);
  });

  it('forgets an address that gave the right token', () => {
    const attempts = new FailedAttempts(2, 60_000);
    attempts.failed('198.51.100.7');
    attempts.succeeded('198.51.100.7');
    attempts.failed('198.51.100.7');
    expect(attempts.retryAfterS('198.51.100.7')).toBe(0);
  });

  it('tracks at most maxAddresses, however many addresses fail', () => {
    let now = 0;
    const attempts = new FailedAttempts(3, 60_000, 100, () => now);
    for (let i = 0; i < 100_000; i++) {
      attempts.failed(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      if (i % 1000 === 0) now += 1_000;
    }
    expect(attempts.trackedAddresses).toBeLessThanOrEqual(100);
    // The latest are still tracked.
    for (let i = 0; i < 3; i++) attempts.failed('10.1.134.159');
    expect(attempts.retryAfterS('10.1.134.159')).toBeGreaterThan(0);
  });

  it('counts an IPv6 client by its /64', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(clientKey('198.51.100.7')).toBe('198.51.100.7');
  });
});
