import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROJECT_ROOT } from '../support/server-process.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestFlowsModule } from '../flows-core/fixtures/test-flows.js';

interface Run {
  code: number | null;
  output: string;
}

describe('npm run flow:simulate', () => {
  let test: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-sim-'));

  /** `input`: the answers to the prompts, one a line; `null`: stdin ends at once (Ctrl+D). */
  function simulate(args: string[], input?: string | null, url = test.url): Promise<Run> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['dist/src/tools/flow-simulate.js', ...args, '--url', url], {
        cwd: PROJECT_ROOT,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          FLOW_PRIVATE_KEY: test.keys.privatePem,
          WHATSAPP_APP_SECRET: test.appSecret,
        },
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      if (input === null) child.stdin.end();
      else if (input !== undefined) {
        // Answer each prompt as it appears, like a person at the keyboard.
        const answers = input.split('\n');
        child.stdout.on('data', (chunk: Buffer) => {
          if (/(: |\] )$/.test(chunk.toString()) && answers.length) child.stdin.write(`${answers.shift()}\n`);
        });
      }
      child.on('exit', (code) => resolve({ code, output }));
    });
  }

  function script(name: string, steps: unknown[]): string {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(steps));
    return file;
  }

  beforeAll(async () => {
    test = await startTestApp({ modules: [TestFlowsModule], env: { DEMO_DATA: 'true', FLOW_CONTRACT_CHECK: 'log' } });
  });
  afterAll(async () => {
    await test?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a script walks the inventory flow to completion, building payloads from the Flow JSON footers', async () => {
    const file = script('inventory', [
      { screen: 'INVENTORY', form: { product_id: 'PROD-99' }, expect: { screen: 'AVAILABILITY', data: { units_available: 5, in_stock: true } } },
      { form: { quantity: '2', warehouse: 'LOCAL' }, expect: { screen: 'SUCCESS' } },
    ]);
    const run = await simulate(['inventory', '--script', file]);
    expect(run.output).toContain('── AVAILABILITY · Availability ──');
    expect(run.output).toContain('units_available: 5');
    expect(run.output).toContain('Flow completed');
    expect(run.output).toContain('All 2 steps passed.');
    expect(run.code).toBe(0);
  });

  it('exits non-zero when a reply is not what the script expects', async () => {
    const file = script('wrong', [{ screen: 'INVENTORY', form: { product_id: 'PROD-42' }, expect: { data: { units_available: 99 } } }]);
    const run = await simulate(['inventory', '--script', file]);
    expect(run.code).toBe(1);
    expect(run.output).toContain('Step 1: Expected data.units_available = 99, got 10');
  });

  it('exits non-zero on a contract violation', async () => {
    const file = script('violation', [{ screen: 'BROKEN', data: { mode: 'not-array' } }]);
    const run = await simulate(['echo', '--flow-json', 'test/flows-core/fixtures/echo.flow.json', '--script', file]);
    expect(run.code).toBe(1);
    expect(run.output).toContain('Contract violation:');
    expect(run.output).toContain('data.items: expected array, got string');
  });

  it('exits non-zero on a non-200 answer, with a hint for issued-token flows', async () => {
    const file = script('refused', [{ action: 'INIT' }]);
    const run = await simulate(['members', '--flow-json', 'test/flows-core/fixtures/members.flow.json', '--script', file]);
    expect(run.code).toBe(1);
    expect(run.output).toContain('HTTP 427');
    expect(run.output).toContain('--token');
  });

  it('interactive mode asks for the fields each screen declares', async () => {
    const run = await simulate(['inventory'], ['n', 'PROD-42', '1', '1'].join('\n'));
    expect(run.output).toContain('Product id or name: ');
    expect(run.output).toContain('1. North warehouse (7) (NORTH)');
    expect(run.output).toContain('2. Local warehouse (3) (LOCAL)');
    expect(run.output).toContain('Warehouse (optional) [number]: ');
    expect(run.output).toContain('Units to reserve: ');
    expect(run.output).toContain('"warehouse":"NORTH"');
    expect(run.code).toBe(0);
    // It starts as the Flow JSON starts, and says why: INVENTORY needs nothing from the endpoint to open.
    expect(run.output).toContain('· INVENTORY declares no data, so it needs nothing from the endpoint to open');
    expect(run.output).toContain('Start with INIT anyway? [y/N] ');
  });

  it('Ctrl+D at a prompt ends it with one line, no stack trace', async () => {
    const run = await simulate(['inventory'], null);
    expect(run.code).toBe(1);
    expect(run.output).toContain('✖ Input ended (Ctrl+D): the simulation stopped before the flow completed');
    expect(run.output).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('a step without "form" on a screen with required fields says what to add', async () => {
    const file = script('no-form', [{ screen: 'INVENTORY' }]);
    const run = await simulate(['inventory', '--script', file]);
    expect(run.code).toBe(1);
    expect(run.output).toContain('✖ Step 1: INVENTORY asks for product_id: give them in the step\'s "form": { ... }');
  });

  it('an endpoint out of reach is named, with exit code 3 as in every command', async () => {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const closed = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise((done) => server.close(done));
    const run = await simulate(['inventory', '--script', script('closed', [{ action: 'INIT' }])], undefined, closed);
    expect(run.code).toBe(3);
    expect(run.output).toContain(`✖ Cannot reach ${closed}: connect ECONNREFUSED`);
  });
});
