import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import { freePort } from '../support/free-port.js';
import { PROJECT_ROOT, startServer, type RunningServer } from '../support/server-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { registeredFlowNames } from '../support/registered-flows.js';

/** The boot line lists the registered flows by name. */
const flowsListed = [...registeredFlowNames]
  .sort()
  .map((name) => `POST /flows/${name}`)
  .join(', ');

/** The first minute of `npm start`: what a person reads, and what a log collector parses. */
describe('the boot log', () => {
  const keys = generateTestKeyPair();
  const appSecret = generateAppSecret();
  const databases: TestDatabase[] = [];
  const servers: RunningServer[] = [];

  async function boot(env: Record<string, string>): Promise<RunningServer> {
    const database = await createTestDatabase();
    databases.push(database);
    const server = await startServer(
      { ...database.env, WHATSAPP_APP_SECRET: appSecret, FLOW_PRIVATE_KEY: keys.privatePem, ...env },
      await freePort(),
    );
    servers.push(server);
    return server;
  }

  afterAll(async () => {
    for (const server of servers) await server.stop();
    for (const database of databases) await database.drop();
  });

  it('JSON lines when not on a terminal: one boot line saying where it listens, the flows, the database and the key; no start-up chatter', async () => {
    const server = await boot({});
    const client = new FlowTestClient({ baseUrl: server.url, publicKey: keys.publicPem, appSecret });
    expect((await client.ping('inventory')).status).toBe(200);
    await server.stop();
    const lines = server
      .output()
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as Record<string, any>);
    const bootLines = lines.filter((line) => line.context === 'Flowgate');
    expect(bootLines).toHaveLength(1);
    expect(bootLines[0].msg).toMatch(/^Flowgate listening on http:\/\/127\.0\.0\.1:\d+ · flows: /);
    expect(bootLines[0].msg).toContain(` · flows: ${flowsListed} · `);
    expect(bootLines[0].msg).toMatch(/ · database: (postgres 127\.0\.0\.1:5432\/flowgate_test_\w+|embedded, in memory) · public key: /);
    expect(lines.filter((line) => ['InstanceLoader', 'RoutesResolver', 'RouterExplorer'].includes(line.context))).toEqual([]);
    // One completion line per request, with what operators rely on.
    const ping = lines.find((line) => line.req?.path === '/flows/inventory');
    expect(ping).toMatchObject({ msg: 'request completed', res: { statusCode: 200 }, flow: 'inventory', action: 'ping', outcome: 'ok' });
    expect(ping).toEqual(
      expect.objectContaining({
        flowKey: expect.stringMatching(/^sha256:/),
        signedWith: expect.stringMatching(/^current:sha256:/),
        responseTime: expect.any(Number),
      }),
    );
    expect(ping!.req.id).toEqual(expect.any(String));
  });

  it('LOG_FORMAT=pretty: readable lines, a request on one line', async () => {
    const server = await boot({ LOG_FORMAT: 'pretty' });
    const client = new FlowTestClient({ baseUrl: server.url, publicKey: keys.publicPem, appSecret });
    expect((await client.ping('inventory')).status).toBe(200);
    await server.stop();
    const plain = server.output().replace(/\x1b\[[0-9;]*m/g, '');
    expect(plain).toMatch(/INFO: Flowgate: Flowgate listening on http:\/\/127\.0\.0\.1:\d+ · flows: /);
    expect(plain).toMatch(/INFO: POST \/flows\/inventory 200 [\d.]+ ms · inventory ping → ok/);
    expect(plain).not.toMatch(/^\{"level"/m);
  });

  it('a burst of lines (a boot with more flow modules logs more) is written whole, with no warning from Node', async () => {
    const logger = pathToFileURL(join(PROJECT_ROOT, 'dist/src/logging/root-logger.js')).href;
    const script = `const { createLoggers } = await import('${logger}');
      const { root } = createLoggers({ level: 'info', format: 'json' });
      for (let i = 0; i < 200; i++) root.info('line ' + i);`;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH },
    });
    expect(stderr).toBe('');
    expect(
      stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { msg: string }).msg),
    ).toEqual(Array.from({ length: 200 }, (_, i) => `line ${i}`));
  });

  /** Runs `body` in a node process with the JSON loggers (`root`, `requests`, `writeInfoLine`); its stdout's messages and exit. */
  async function loggingProcess(body: string) {
    const logger = pathToFileURL(join(PROJECT_ROOT, 'dist/src/logging/root-logger.js')).href;
    const script = `const { createLoggers, writeInfoLine } = await import('${logger}');
      const { root, requests } = createLoggers({ level: 'info', format: 'json' });
      const completed = (i) => writeInfoLine(requests, { req: { id: 'r' + i, method: 'POST', path: '/flows/inventory' } }, 'request completed');
      ${body}`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const [code, signal] = (await once(child, 'close')) as [number | null, string | null];
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; req?: { id: string } });
    return { code, signal, messages: lines.map((line) => line.req?.id ?? line.msg) };
  }

  it('completion lines gathered in memory keep their place before a line written at once, and a crash still writes them', async () => {
    // 30 lines pass 4 KiB: a batch goes out, the line written at once follows it; the last five are
    // still gathered in memory when the process crashes (once the writes before them are done).
    const { code, messages } = await loggingProcess(`for (let i = 0; i < 30; i++) completed(i);
      root.info('written at once');
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (let i = 30; i < 35; i++) completed(i);
      throw new Error('crash');`);
    expect(code).toBe(1);
    expect(messages).toEqual([...Array.from({ length: 30 }, (_, i) => `r${i}`), 'written at once', 'r30', 'r31', 'r32', 'r33', 'r34']);
  });

  it('completion lines go out within a quarter second: a SIGKILL after it loses none', async () => {
    const { signal, messages } = await loggingProcess(`completed(0); completed(1);
      setTimeout(() => process.kill(process.pid, 'SIGKILL'), 800);`);
    expect(signal).toBe('SIGKILL');
    expect(messages).toEqual(['r0', 'r1']);
  });

  it('a batch of completion lines goes out once 4 KiB have gathered, whole lines in order', async () => {
    const { messages } = await loggingProcess(`for (let i = 0; i < 500; i++) completed(i);
      setTimeout(() => process.kill(process.pid, 'SIGKILL'), 100);`);
    // Killed before the periodic flush: what came out came in 4 KiB batches, the rest is lost with the process.
    expect(messages.length).toBeGreaterThan(400);
    expect(messages).toEqual(Array.from({ length: messages.length }, (_, i) => `r${i}`));
  });
});
