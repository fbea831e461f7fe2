import { describe, expect, it } from '@jest/globals';
import { withConfiguration } from '../config/config-context.js';
import { queueConfig } from './queue.config.js';

const prefixWith = (env: Record<string, string | undefined>) =>
  withConfiguration({ QUEUE_PREFIX: undefined, CACHE_NAMESPACE: undefined, ...env }, () => queueConfig().prefix);

describe('the queues’ prefix', () => {
  it('is the cache namespace unless QUEUE_PREFIX is set: deployments told apart by one are told apart by both', () => {
    expect(prefixWith({})).toBe('flowgate');
    expect(prefixWith({ CACHE_NAMESPACE: 'shop-eu' })).toBe('shop-eu');
    expect(prefixWith({ CACHE_NAMESPACE: 'shop-eu', QUEUE_PREFIX: 'jobs-eu' })).toBe('jobs-eu');
  });

  it('refuses a CACHE_NAMESPACE it cannot use as a prefix, naming the variable', () => {
    expect(() => prefixWith({ CACHE_NAMESPACE: 'a:b' })).toThrow(/^Invalid configuration: CACHE_NAMESPACE must be 1 to 40 letters, digits, - or _/);
  });
});
