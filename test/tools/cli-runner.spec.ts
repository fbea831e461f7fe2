import { createServer } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { defineCommand, type Command, type CommandGroup } from '../../src/tools/cli/command.js';
import { CliError, UnreachableError } from '../../src/tools/cli/errors.js';
import { runCli, type Invocation } from '../../src/tools/cli/runner.js';

const entry = (summary: string, command: Command, args?: string) => ({ summary, args, load: async () => ({ default: command }) });

const seen: Array<{ values: Record<string, unknown>; positionals: string[]; json: boolean }> = [];
const TABLE: Record<string, CommandGroup> = {
  demo: {
    summary: 'Commands for the runner test',
    footer: 'Demo: reads nothing.',
    commands: {
      echo: entry(
        'Prints its arguments',
        defineCommand({
          options: { twice: { type: 'boolean' } },
          positionals: true,
          env: false,
          run: (input) => {
            seen.push(input);
            return 0;
          },
        }),
        '<word>... [--twice]',
      ),
      refuse: entry(
        'Fails the way a user can fix',
        defineCommand({ env: false, run: () => Promise.reject(new CliError('WHATSAPP_ACCESS_TOKEN is not set')) }),
      ),
      unreachable: entry(
        'Meets a closed port',
        defineCommand({ env: false, options: { url: { type: 'string' } }, run: async ({ values }) => (await fetch(values.url)).status }),
      ),
      offline: entry(
        'Throws an UnreachableError',
        defineCommand({ env: false, run: () => Promise.reject(new UnreachableError('cannot reach graph.example (ENOTFOUND)')) }),
      ),
      bug: entry('Has a bug', defineCommand({ env: false, run: () => (null as unknown as { x: number }).x })),
      plain: entry('Offers no --json', defineCommand({ env: false, json: false, run: () => 0 })),
      hand: entry(
        'Hands its arguments on',
        defineCommand({ env: false, passThrough: true, help: 'Runs another program.', run: ({ positionals }) => positionals.length }),
      ),
      'preview-url': {
        ...entry('Renamed', defineCommand({ env: false, run: () => 0 })),
        alias: { name: 'preview', note: '`preview` is now `preview-url`' },
      },
    },
  },
};

async function run(argv: string[], invocation: Omit<Invocation, 'io' | 'table'> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { ...invocation, table: TABLE, io: { out: (text) => (stdout += text), err: (text) => (stderr += text) } });
  return { code, stdout, stderr };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe('the command runner', () => {
  it('an unknown command lists the commands of its group, with exit code 2', async () => {
    const result = await run(['demo', 'frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('✖ Unknown command "frobnicate"');
    expect(result.stderr).toContain('Usage: flowgate demo <command> [options] [--json]');
    expect(result.stderr).toMatch(/echo <word>\.\.\. \[--twice\]\s+Prints its arguments/);
    for (const name of ['refuse', 'unreachable', 'bug', 'plain', 'preview-url']) expect(result.stderr).toContain(`  ${name}`);
    expect(result.stderr).toContain('Demo: reads nothing.');
    expect(result.stderr).toContain('Exit codes: 0 done, 1 failed, 2 usage, 3');
  });

  it('an unknown group, or none, lists every group and its commands', async () => {
    const unknown = await run(['nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('✖ Unknown command "nope"');
    expect(unknown.stderr).toContain('demo: Commands for the runner test');
    expect(unknown.stderr).toContain('  echo');
    expect((await run([])).code).toBe(2);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: flowgate <group> <command>');
  });

  it('an entry point that fixes the group speaks with its own name', async () => {
    const result = await run(['frobnicate'], { fixed: ['demo'], program: 'npm run demo --' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: npm run demo -- <command>');
    const help = await run(['echo', '--help'], { fixed: ['demo'], program: 'npm run demo --' });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run demo -- echo <word>... [--twice]');
  });

  it('with --json a usage error is one JSON document on stdout', async () => {
    const result = await run(['demo', 'frobnicate', '--json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('');
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({ ok: false, error: 'Unknown command "frobnicate"' });
    expect(document.usage).toContain('preview-url');

    const badOption = await run(['demo', 'echo', '--loud', '--json']);
    expect(badOption.code).toBe(2);
    expect(JSON.parse(badOption.stdout)).toMatchObject({ ok: false, error: expect.stringContaining("'--loud'") });
  });

  it('parses options and positionals with parseArgs and passes --json on', async () => {
    seen.length = 0;
    expect((await run(['demo', 'echo', 'a', 'b', '--twice', '--json'])).code).toBe(0);
    expect(seen[0]).toMatchObject({ positionals: ['a', 'b'], json: true, values: { twice: true } });
    const bad = await run(['demo', 'echo', '--twice=yes']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Usage: flowgate demo echo <word>... [--twice]');
  });

  it('a failure the user can fix is one ✖ line and exit 1; with --json a document', async () => {
    const plain = await run(['demo', 'refuse']);
    expect(plain).toEqual({ code: 1, stdout: '', stderr: '✖ WHATSAPP_ACCESS_TOKEN is not set\n' });
    const json = await run(['demo', 'refuse', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ ok: false, error: 'WHATSAPP_ACCESS_TOKEN is not set' });
  });

  it('a host that cannot be reached is named, with exit code 3, however the command met it', async () => {
    const port = await closedPort();
    const refused = await run(['demo', 'unreachable', '--url', `http://127.0.0.1:${port}/`]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toBe(`✖ cannot reach 127.0.0.1 (ECONNREFUSED)\n`);
    const offline = await run(['demo', 'offline']);
    expect(offline.code).toBe(3);
    expect(offline.stderr).toBe('✖ cannot reach graph.example (ENOTFOUND)\n');
  });

  it('a bug is one line without a stack trace unless --debug asks for it', async () => {
    const bug = await run(['demo', 'bug']);
    expect(bug.code).toBe(1);
    expect(bug.stderr).toMatch(/^✖ Cannot read properties of null/);
    expect(bug.stderr).toContain('--debug');
    expect(bug.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    const debug = await run(['demo', 'bug', '--debug']);
    expect(debug.stderr).toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('a command that offers no --json refuses it as a usage error', async () => {
    const result = await run(['demo', 'plain', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error).toContain("'--json'");
  });

  it('a command that hands its arguments on gets them as they are, but --help is still the usage', async () => {
    expect((await run(['demo', 'hand', '--reset', 'x'])).code).toBe(2);
    const help = await run(['demo', 'hand', '--help']);
    expect(help).toEqual({ code: 0, stdout: 'Usage: flowgate demo hand\n\nRuns another program.\n', stderr: '' });
  });

  it('a renamed command keeps its old name, with a one-line note', async () => {
    const result = await run(['demo', 'preview']);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '· `preview` is now `preview-url`\n' });
  });
});
