import { Controller, Get, Module, Req } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import type { FastifyRequest } from 'fastify';
import { runServer } from '../support/server-process.js';
import { startTestApp } from '../support/test-app.js';

/** Shows what the application believes about the client, as any handler would read it. */
@Controller('probe')
class ClientProbeController {
  @Get('client')
  client(@Req() request: FastifyRequest) {
    return { ip: request.ip, protocol: request.protocol, host: request.host };
  }
}

@Module({ controllers: [ClientProbeController] })
class ClientProbeModule {}

const FORWARDED = { 'x-forwarded-for': '198.51.100.7, 203.0.113.9', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' };

async function seenWith(trustProxy: string | undefined) {
  const test = await startTestApp({ modules: [ClientProbeModule], env: { TRUST_PROXY: trustProxy } });
  try {
    const response = await fetch(`${test.url}/probe/client`, { headers: FORWARDED });
    expect(response.status).toBe(200);
    return (await response.json()) as { ip: string; protocol: string; host: string };
  } finally {
    await test.close();
  }
}

describe('TRUST_PROXY', () => {
  it('by default, X-Forwarded-* from a client are ignored: the peer is the client', async () => {
    const seen = await seenWith(undefined);
    expect(seen.ip).toBe('127.0.0.1');
    expect(seen.protocol).toBe('http');
    expect(seen.host).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('a list of proxy addresses/CIDRs: forwarded headers are believed only from them', async () => {
    const trusted = await seenWith('10.0.0.0/8, 127.0.0.1');
    expect(trusted).toEqual({ ip: '203.0.113.9', protocol: 'https', host: 'evil.example' });
    const notTrusted = await seenWith('10.0.0.0/8');
    expect(notTrusted.ip).toBe('127.0.0.1');
    expect(notTrusted.protocol).toBe('http');
  });

  it('true believes every peer (only behind a proxy that overwrites those headers)', async () => {
    expect((await seenWith('true')).ip).toBe('198.51.100.7');
  });

  it('anything else stops the boot with one line naming TRUST_PROXY', async () => {
    const run = await runServer({ TRUST_PROXY: '2', EMBEDDED_DB_DIR: 'memory' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      'flowgate: Invalid configuration: TRUST_PROXY must be false, true or a comma-separated list of proxy addresses or CIDRs (got "2")',
    );
  });
});
