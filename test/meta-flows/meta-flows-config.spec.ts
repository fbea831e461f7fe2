import { describe, expect, it } from '@jest/globals';
import { metaFlowsConfig } from '../../src/meta-flows/meta-flows.config.js';
import { withConfiguration } from '../../src/config/config-context.js';

const configWith = (PUBLIC_URL: string) => withConfiguration({ PUBLIC_URL }, () => metaFlowsConfig());

describe('PUBLIC_URL (the server and the tools read it alike)', () => {
  it('takes an https origin', () => {
    expect(configWith('https://flowgate.example.com').publicUrl).toBe('https://flowgate.example.com');
    expect(configWith('https://flowgate.example.com:8443').publicUrl).toBe('https://flowgate.example.com:8443');
  });

  it.each(['https://flowgate.example.com/api', 'https://flowgate.example.com/', 'http://flowgate.example.com'])(
    'refuses %s with one line naming the variable, never its value',
    (url) => {
      expect(() => configWith(url)).toThrow(
        'Invalid configuration: PUBLIC_URL must be the https origin Meta calls, without a path or a trailing slash (e.g. https://flowgate.example.com)',
      );
    },
  );
});
