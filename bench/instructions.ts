/**
 * `npm run bench:instructions`: machine instructions per request, counted by valgrind's callgrind,
 * for Flowgate and its baselines on the same requests. Unlike CPU time, an instruction count does not
 * move with what else the machine is doing, so two builds (or Flowgate and a baseline) can be compared
 * on a busy machine. It is not time: cache misses, the cost of each instruction and the kernel's work
 * are not in it, and under valgrind OpenSSL's RSA runs without AVX-512 (more instructions than natively).
 *
 * Each server runs under callgrind with counting off; it is warmed up (the JIT compiles the hot
 * code), counting is switched on for the measured requests only (`callgrind_control -i on/off`),
 * and the count is divided by their number. Every reply is decrypted and checked as in `npm run bench`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchDatabase, GENEROUS_STOCK } from './lib/database.js';
import { FLOWGATE_MAIN, FLOWGATE_SEED, FlowTestClient, flowJsonOf, freePort, generateAppSecret, generateTestKeyPair } from './lib/flowgate.js';
import { oneShotPool, runLoad, type BenchRequest } from './lib/load.js';
import { lookupRequests, newTally, pingRequests, type Target } from './lib/scenarios.js';
import { PROJECT_ROOT } from './lib/servers.js';

const HELP = `npm run bench:instructions -- [options]
  --warmup N        requests before counting starts (default 3000)
  --requests N      requests counted (default 1000: enough for the collections they cause to be counted in)
  --scenarios LIST  lookup (Flowgate and thin + Postgres), ping (Flowgate and the thin baseline); default both
Needs valgrind (Debian: apt-get install valgrind). Uses DATABASE_URL (a database of its own, dropped
afterwards) and REDIS_URL when set, else the embedded database. Slow: a server under callgrind runs
some 50 times slower; a default run takes about 20 minutes.`;

interface Options {
  warmup: number;
  requests: number;
  scenarios: ('lookup' | 'ping')[];
}

function parse(argv: string[]): Options {
  const options: Options = { warmup: 3000, requests: 1000, scenarios: ['lookup', 'ping'] };
  for (let i = 0; i < argv.length; i++) {
    const count = () => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) fail(`${argv[i - 1]} takes a whole number of requests`);
      return n;
    };
    switch (argv[i]) {
      case '--warmup':
        options.warmup = count();
        break;
      case '--requests':
        options.requests = count();
        break;
      case '--scenarios': {
        const names = (argv[++i] ?? '').split(',');
        if (!names.every((name) => name === 'lookup' || name === 'ping')) fail('--scenarios takes lookup, ping or both');
        options.scenarios = names as Options['scenarios'];
        break;
      }
      case '--help':
        process.stdout.write(`${HELP}\n`);
        return process.exit(0);
      default:
        fail(`unknown option "${argv[i]}"`);
    }
  }
  return options;
}

function fail(message: string): never {
  process.stderr.write(`bench:instructions: ${message}\n${HELP}\n`);
  process.exit(2);
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** callgrind's total instruction count in the dumps it wrote to `dir`. */
function countedInstructions(dir: string): number {
  let total = 0;
  for (const file of readdirSync(dir).filter((name) => name.startsWith('callgrind.out'))) {
    const match = /^totals:\s+(\d+)/m.exec(readFileSync(join(dir, file), 'utf8'));
    if (match) total += Number(match[1]);
  }
  return total;
}

interface Counted {
  server: string;
  scenario: string;
  requests: number;
  errors: number;
  instructionsPerRequest: number;
}

/** Starts `script` under callgrind (not counting), warms it up, counts `requests` of `build`'s requests. */
async function count(options: {
  server: string;
  scenario: string;
  script: string;
  env: Record<string, string | undefined>;
  readyPath: string;
  build: (target: Target, n: number) => BenchRequest[];
  keys: { publicPem: string };
  appSecret: string;
  warmup: number;
  requests: number;
}): Promise<Counted> {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-callgrind-'));
  // vgdb finds the process by these names; set them so they do not depend on the caller's environment.
  const names = { USER: 'flowgate-bench', HOST: '127.0.0.1' };
  const vgdb = [`--vgdb-prefix=${join(dir, 'vgdb')}`];
  const port = await freePort();
  const logFile = resolve(PROJECT_ROOT, `bench/out/instructions-${options.server.replace('+', '-')}-${options.scenario}.log`);
  const logFd = openSync(logFile, 'w');
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      `--callgrind-out-file=${join(dir, 'callgrind.out')}`,
      // V8 writes and rewrites machine code as it runs.
      '--smc-check=all-non-file',
      `--vgdb-prefix=${join(dir, 'vgdb')}`,
      process.execPath,
      options.script,
    ],
    {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, ...names, PORT: String(port), ...options.env } as NodeJS.ProcessEnv,
      stdio: ['ignore', logFd, logFd],
    },
  );
  closeSync(logFd);
  const control = (...args: string[]) =>
    execFileSync('callgrind_control', [...vgdb, ...args, String(child.pid)], { env: { ...process.env, ...names }, stdio: 'ignore' });
  try {
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 10 * 60_000;
    while (
      !(await fetch(`${url}${options.readyPath}`).then(
        (response) => response.status === 200,
        () => false,
      ))
    ) {
      if (child.exitCode !== null) throw new Error(`${options.script} exited under valgrind with ${child.exitCode}; see ${logFile}`);
      if (Date.now() > deadline) throw new Error(`${options.script} not ready under valgrind after 10 minutes`);
      await new Promise((done) => setTimeout(done, 500));
    }
    const target: Target = {
      url,
      appSecret: options.appSecret,
      adminToken: '',
      client: new FlowTestClient({ baseUrl: url, publicKey: options.keys.publicPem, appSecret: options.appSecret, flowJsonOf }),
      tally: newTally(),
    };
    const warm = await runLoad(url, oneShotPool(options.build(target, options.warmup)), 4, 3600);
    if (warm.errors) log(`  ${options.server} ${options.scenario}: ${warm.errors} errors while warming up`);
    const measured = oneShotPool(options.build(target, options.requests));
    control('-i', 'on');
    const load = await runLoad(url, measured, 4, 3600);
    control('-i', 'off');
    control('-d');
    const instructionsPerRequest = Math.round(countedInstructions(dir) / options.requests);
    log(`  ${options.server} ${options.scenario}: ${(instructionsPerRequest / 1e6).toFixed(2)} M instructions/request, ${load.errors} errors`);
    return { server: options.server, scenario: options.scenario, requests: options.requests, errors: load.errors, instructionsPerRequest };
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  } catch {
    fail('valgrind is not installed (Debian: apt-get install valgrind)');
  }
  const keys = generateTestKeyPair();
  const appSecret = generateAppSecret();
  const keyDir = mkdtempSync(join(tmpdir(), 'flowgate-bench-keys-'));
  const privateKeyFile = join(keyDir, 'private.pem');
  writeFileSync(privateKeyFile, keys.privatePem, { mode: 0o600 });
  mkdirSync(resolve(PROJECT_ROOT, 'bench/out'), { recursive: true });
  const database = await benchDatabase(process.env.DATABASE_URL);
  const flowgateEnv = {
    NODE_ENV: 'production',
    FLOW_PRIVATE_KEY_FILE: privateKeyFile,
    WHATSAPP_APP_SECRET: appSecret,
    ADMIN_TOKEN: randomBytes(24).toString('hex'),
    DEMO_DATA: 'true',
    METRICS_PUBLIC: 'true',
    // Under callgrind a request runs some 50 times slower: the budget must not turn one into "try again".
    FLOW_RESPONSE_BUDGET_MS: '9000',
    REDIS_URL: process.env.REDIS_URL,
    CACHE_NAMESPACE: `bench-${randomBytes(4).toString('hex')}`,
    QUEUE_PREFIX: `bench-${randomBytes(4).toString('hex')}`,
    // As `npm run bench` does: LOG_LEVEL=warn measures a request without its completion line.
    LOG_LEVEL: process.env.LOG_LEVEL,
    ...database.env,
  };
  const results: Counted[] = [];
  try {
    // The schema and demo data first, as `npm run bench` does (the embedded database has one user at a time).
    try {
      execFileSync(process.execPath, [FLOWGATE_SEED], { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH, ...flowgateEnv }, stdio: 'pipe' });
    } catch (error) {
      const said = String((error as { stderr?: Buffer }).stderr ?? '')
        .trim()
        .split('\n')
        .pop();
      throw new Error(`${FLOWGATE_SEED} failed: ${said}`);
    }
    log(`callgrind: ${options.warmup} requests to warm up, ${options.requests} counted; ${database.description}`);
    const common = { keys, appSecret, warmup: options.warmup, requests: options.requests };
    for (const scenario of options.scenarios) {
      const build = scenario === 'lookup' ? lookupRequests : (target: Target, n: number) => pingRequests(target, n);
      const baseline =
        scenario === 'lookup'
          ? {
              server: 'thin+postgres',
              script: 'dist-bench/bench/thin-postgres-server.js',
              env: { FLOW_PRIVATE_KEY_FILE: privateKeyFile, WHATSAPP_APP_SECRET: appSecret, THIN_STOCK: String(GENEROUS_STOCK), ...database.thinEnv },
            }
          : {
              server: 'baseline',
              script: 'dist-bench/bench/baseline-server.js',
              env: { FLOW_PRIVATE_KEY_FILE: privateKeyFile, WHATSAPP_APP_SECRET: appSecret },
            };
      results.push(await count({ ...common, ...baseline, scenario, readyPath: '/lag', build }));
      results.push(
        await count({ ...common, server: 'flowgate', scenario, script: FLOWGATE_MAIN, env: flowgateEnv, readyPath: '/health/ready', build }),
      );
    }
  } finally {
    await database.dispose();
    rmSync(keyDir, { recursive: true, force: true });
  }
  const lines = ['server            scenario   M instructions/request'];
  for (const result of results)
    lines.push(`${result.server.padEnd(17)} ${result.scenario.padEnd(10)} ${(result.instructionsPerRequest / 1e6).toFixed(2)}`);
  for (const scenario of options.scenarios) {
    const [baseline, flowgate] = results.filter((result) => result.scenario === scenario);
    lines.push(
      `ratio flowgate ÷ ${baseline.server}, ${scenario}: instructions/request ${(flowgate.instructionsPerRequest / baseline.instructionsPerRequest).toFixed(3)}`,
    );
  }
  process.stdout.write(`\n${lines.join('\n')}\n`);
  const outDir = resolve(PROJECT_ROOT, 'bench/out');
  mkdirSync(outDir, { recursive: true });
  const report = { generatedAt: new Date().toISOString(), node: process.version, database: database.description, ...options, results };
  writeFileSync(join(outDir, 'instructions.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (results.some((result) => result.errors > 0)) {
    log('✖ some replies were wrong (see above): the counts include them');
    process.exitCode = 1;
  }
}

await main().catch((error: Error) => {
  log(`✖ ${error.message}`);
  process.exitCode = 1;
});
