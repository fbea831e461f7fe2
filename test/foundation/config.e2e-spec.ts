import { describe, expect, it } from '@jest/globals';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import { freePort } from '../support/free-port.js';
import { runServer, startServer } from '../support/server-process.js';

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

describe('configuration is validated at boot', () => {
  it('an invalid PORT stops the boot with one line naming PORT', async () => {
    const run = await runServer({ PORT: 'abc', EMBEDDED_DB_DIR: 'memory' });
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual(['flowgate: Invalid configuration: PORT must be an integer port number between 1 and 65535 (got "abc")']);
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

/** The embedded database and its migrations start slowly on a busy machine. */
const BOOT_TIMEOUT_MS = 60_000;

describe('production defaults fail safe', () => {
  const keys = generateTestKeyPair();
  const appSecret = generateAppSecret();
  /** Everything production requires, on the embedded database on purpose. */
  const production = { NODE_ENV: 'production', EMBEDDED_DB_DIR: 'memory', FLOW_PRIVATE_KEY: keys.privatePem, WHATSAPP_APP_SECRET: appSecret };

  it.each([
    ['WHATSAPP_APP_SECRET', 'x'],
    ['WHATSAPP_APP_SECRET', 'correct-horse-battery-staple-0123456789'],
    ['WHATSAPP_APP_SECRET_PREVIOUS', appSecret.toUpperCase()],
  ])('%s that is not a Meta app secret (%j) stops the boot with one line that does not echo it', async (variable, secret) => {
    const run = await runServer({ ...production, METRICS_PUBLIC: 'true', [variable]: secret });
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      `flowgate: Invalid configuration: ${variable} must be a Meta app secret (32 lowercase hexadecimal characters, from App settings → Basic) when NODE_ENV=production`,
    ]);
  });

  it('/metrics without METRICS_TOKEN or METRICS_PUBLIC=true stops the boot', async () => {
    const run = await runServer(production);
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      'flowgate: Invalid configuration: METRICS_TOKEN is required when NODE_ENV=production (or METRICS_PUBLIC=true to serve /metrics without a token)',
    ]);
  });

  it('METRICS_PUBLIC=true and a METRICS_TOKEN together are refused as contradictory', async () => {
    const run = await runServer({ ...production, METRICS_PUBLIC: 'true', METRICS_TOKEN: 'metrics-token-0123456789' });
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual(['flowgate: Invalid configuration: METRICS_PUBLIC=true contradicts METRICS_TOKEN (set one of them)']);
  });

  const lookup = async (url: string) => {
    const client = new FlowTestClient({ baseUrl: url, publicKey: keys.publicPem, appSecret });
    const reply = await client.dataExchange('inventory', 'config-token', 'INVENTORY', { product_id: 'PROD-99' });
    expect(reply.status).toBe(200);
    return reply.json as { screen: string; data: Record<string, unknown> };
  };

  it(
    'METRICS_PUBLIC=true serves /metrics openly and says so at boot; the embedded database gets no demo data',
    async () => {
      const server = await startServer({ ...production, METRICS_PUBLIC: 'true' }, await freePort(), BOOT_TIMEOUT_MS);
      try {
        expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
        expect(server.output()).toContain('GET /metrics is public (METRICS_PUBLIC=true)');
        expect(server.output()).not.toContain('Demo data applied');
        expect(await lookup(server.url)).toEqual({
          screen: 'INVENTORY',
          data: expect.objectContaining({ error_message: expect.stringContaining('We could not find a product "PROD-99"') }),
        });
      } finally {
        await server.stop();
      }
    },
    2 * BOOT_TIMEOUT_MS,
  );

  it(
    'with METRICS_TOKEN, /metrics needs it and the boot says so; DEMO_DATA=true still seeds on purpose',
    async () => {
      const token = 'metrics-token-0123456789';
      const server = await startServer({ ...production, METRICS_TOKEN: token, DEMO_DATA: 'true' }, await freePort(), BOOT_TIMEOUT_MS);
      try {
        expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
        expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
        expect(server.output()).toContain('GET /metrics needs the METRICS_TOKEN bearer token');
        expect(server.output()).toContain('Demo data applied');
        expect((await lookup(server.url)).screen).toBe('AVAILABILITY');
      } finally {
        await server.stop();
      }
    },
    2 * BOOT_TIMEOUT_MS,
  );
});
