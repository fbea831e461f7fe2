/**
 * `npm run bench`: drives the built Flowgate server and its comparison servers (thin baseline,
 * framework floor, the floor in Flowgate's shape, thin + Postgres) with requests built exactly like
 * WhatsApp's client, decrypts and checks every reply, and prints a table and a JSON report.
 * `npm run bench -- --help` lists the options.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { cryptoCeiling } from './lib/crypto-ceiling.js';
import { runCrowd, type Walk } from './lib/crowd.js';
import { benchDatabase, flowgateReservations, GENEROUS_STOCK, stockFlowgate, type BenchDatabase } from './lib/database.js';
import {
  EVENT_LOOP_RESOLUTION_MS,
  FLOWGATE_MAIN,
  FLOWGATE_NODE_ARGS,
  FLOWGATE_SEED,
  FLOWGATE_TABLES,
  FlowTestClient,
  flowJsonOf,
  freePort,
  generateAppSecret,
  generateTestKeyPair,
} from './lib/flowgate.js';
import { cyclingPool, inWarmUpParts, oneShotPool, round, runLoadRaw, summarise, warmUp, type RawLoad, type RequestPool } from './lib/load.js';
import { parseOptions, type BenchOptions } from './lib/options.js';
import { cpuPerRequest, serverCpuMicros } from './lib/process-cpu.js';
import { markdownTable, table, type Measurement } from './lib/report.js';
import { profileClockMicros, rowParts, rowPartsTables, rowPerfParts, type ProfiledRow } from './lib/profiled-rows.js';
import { perfMapBytes } from './lib/perf-parts.js';
import type { LoadWindow } from './lib/profile-parts.js';
import { unsignedFlood, type FloodResult } from './lib/flood.js';
import { startTraceSink, type TraceSink } from './lib/trace-sink.js';
import { evaluateTargets, FRAMEWORK_SHAPE, LOOKUP_BESIDE_SLOTS, type InitNote, type Pass, type ReservationLedger } from './lib/targets.js';
import {
  initRequest,
  lookupRequest,
  lookupRequests,
  newTally,
  pingRequests,
  reserveRequest,
  SCENARIO_TITLES,
  SCENARIOS,
  slotRequests,
  THIN_SCENARIOS,
  tokenPrefix,
  webhookRequests,
  type ScenarioName,
  type Target,
} from './lib/scenarios.js';
import {
  assertPerfAvailable,
  clearPerfRecordings,
  PERF_NODE_ARGS,
  pinSelf,
  PROJECT_ROOT,
  startProcess,
  TASKSET,
  type ServerProcess,
} from './lib/servers.js';

const SERVER_CORE = '0';
const LOADGEN_CORE = '1';
const OUT_DIR = resolve(PROJECT_ROOT, 'bench/out');
const PROFILE_DIR = join(OUT_DIR, 'profiles');
const PERF_DIR = join(OUT_DIR, 'perf');

const options = parseOptions(process.argv.slice(2));
mkdirSync(OUT_DIR, { recursive: true });
const pinned = TASKSET && cpus().length >= 2 && !options.noPin;
if (pinned) pinSelf(LOADGEN_CORE);

const keys = generateTestKeyPair();
const appSecret = generateAppSecret();
const adminToken = randomBytes(24).toString('hex');
const keyDir = mkdtempSync(join(tmpdir(), 'flowgate-bench-keys-'));
const privateKeyFile = join(keyDir, 'private.pem');
writeFileSync(privateKeyFile, keys.privatePem, { mode: 0o600 });
const log = (message: string) => process.stderr.write(`${message}\n`);

type LagReader = (url: string) => Promise<number | undefined>;

/** The servers the ping is compared with. */
const PING_COMPARISONS = [
  { target: 'baseline', title: 'thin baseline (bench/baseline-server.ts)', script: 'baseline-server' },
  {
    target: 'framework floor',
    title: 'framework floor: NestJS on Fastify, same crypto (bench/framework-floor-server.ts)',
    script: 'framework-floor-server',
  },
  {
    target: FRAMEWORK_SHAPE,
    title: "framework floor in Flowgate's shape: the same crypto in a guard and an interceptor (bench/framework-shape-server.ts)",
    script: 'framework-shape-server',
  },
] as const;

/** The database of the pass being measured: settled before each measured load. */
let passDatabase: BenchDatabase | undefined;
const settle = () => passDatabase?.settle() ?? Promise.resolve();

/**
 * node --cpu-prof for a server (its profile is written when it exits on SIGTERM). Node's own name
 * for the file carries the server's pid, which is how each measured row finds its profile. With
 * --perf, the flags that let perf name the server's JavaScript.
 */
const profileArgs = () => [...(options.profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []), ...(options.perf ? PERF_NODE_ARGS : [])];
if (options.profile) rmSync(PROFILE_DIR, { recursive: true, force: true });
/** With --perf, where each server is recorded (see startProcess). */
const perfDir = options.perf ? PERF_DIR : undefined;
if (options.perf) {
  try {
    assertPerfAvailable();
  } catch (error) {
    log(`✗ ${(error as Error).message}`);
    process.exit(2);
  }
  clearPerfRecordings(PERF_DIR);
}

/** With --profile or --perf: every row measured in turns, with its server and the windows its rounds ran in. */
const profiledRows: ProfiledRow[] = [];

function logRow(row: Measurement): void {
  const at = row.openLoop ? `${row.openLoop.people} people` : `c=${row.concurrency}`;
  log(
    `  ${row.target} ${row.scenario} ${at}: ${row.rps} req/s, p90 ${row.latencyMs.p90} ms, p99 ${row.latencyMs.p99} ms, ${row.errors} errors, ${row.cpuMicrosPerRequest} µs CPU/req`,
  );
  if (row.errorSamples.length) log(`    first errors: ${row.errorSamples.join(' | ')}`);
}

/** A server measured on a scenario: its row label, the requests it gets, how its event-loop lag is read. */
interface Contender {
  server: ServerProcess;
  label: string;
  target: Target;
  lagOf: LagReader;
  /** Its row's scenario when not the one measured: the lookups that take turns with the slot listings. */
  scenario?: string;
}

/** What one round measured on one server. */
interface RoundResult {
  load: RawLoad;
  cpu: number;
  lag: number | undefined;
  /** When it ran, on the monotonic clock V8's profiles and perf's recordings stamp their samples with. */
  window: LoadWindow;
}

/**
 * Runs `measureRound` for every contender, `rounds` times over, each round `seconds / rounds` long:
 * the servers compared take turns (who goes first rotates), so the machine speeding up or slowing
 * down during the run (a neighbour, the host's clock) weighs on each of them alike and their ratios
 * hold. A contender's rounds add up to its row, which also keeps each round's CPU per request: the
 * targets give the range of the ratio round by round beside the ratio of the whole load.
 */
async function inTurns(
  contenders: Contender[],
  scenario: string,
  rounds: number,
  seconds: number,
  measureRound: (index: number, seconds: number) => Promise<RoundResult>,
): Promise<Measurement[]> {
  const totals = contenders.map(() => ({
    loads: [] as RawLoad[],
    cpu: 0,
    byRound: [] as number[],
    lag: undefined as number | undefined,
    windows: [] as LoadWindow[],
  }));
  for (let turn = 0; turn < rounds; turn++) {
    for (let k = 0; k < contenders.length; k++) {
      const index = (turn + k) % contenders.length;
      const result = await measureRound(index, seconds / rounds);
      const total = totals[index];
      total.loads.push(result.load);
      total.cpu += result.cpu;
      total.byRound.push(cpuPerRequest(result.cpu, result.load.latencies.length));
      total.windows.push(result.window);
      if (result.lag !== undefined) total.lag = Math.max(total.lag ?? 0, result.lag);
    }
  }
  return contenders.map((contender, index) => {
    const { loads, cpu, byRound, lag, windows } = totals[index];
    const load = summarise(loads);
    const row: Measurement = {
      target: contender.label,
      scenario: contender.scenario ?? scenario,
      ...load,
      cpuMicrosPerRequest: cpuPerRequest(cpu, load.requests),
      ...(rounds > 1 ? { cpuMicrosPerRequestByRound: byRound } : {}),
      eventLoopLagP99Ms: lag,
    };
    logRow(row);
    if (options.profile || options.perf) {
      const { pid } = contender.server;
      profiledRows.push({ row, pid, windows, perfMapBytes: options.perf ? perfMapBytes(pid) : undefined });
    }
    return row;
  });
}

/** One measured load on one server: its CPU, and its event-loop lag p99 over the load. */
async function measuredLoad(contender: Contender, run: () => Promise<RawLoad>): Promise<RoundResult> {
  const { result: load, ...measured } = await measuredRun(contender, run, (load) => load.latencies.length);
  return { load, ...measured };
}

/** `run` on a settled database, with the server's CPU, event-loop lag p99 and window over it; `requests` counts its answers. */
async function measuredRun<T>(
  { server, lagOf }: Pick<Contender, 'server' | 'lagOf'>,
  run: () => Promise<T>,
  requests: (result: T) => number,
): Promise<Omit<RoundResult, 'load'> & { result: T }> {
  await settle();
  await lagOf(server.url); // reading starts a new window
  const cpuBefore = serverCpuMicros(server.pid);
  const from = profileClockMicros();
  const result = await run();
  const to = profileClockMicros();
  const cpu = serverCpuMicros(server.pid) - cpuBefore;
  return { result, cpu, lag: await lagOf(server.url), window: { from, to, requests: requests(result) } };
}

/**
 * Loads each contender with its requests (`poolOf`) at each concurrency, in turns (see inTurns),
 * after a warm-up of each; the event-loop lag is the worst round's p99.
 */
async function measure(
  scenario: string,
  contenders: Contender[],
  poolOf: (contender: Contender) => RequestPool | Promise<RequestPool>,
  concurrencies: number[],
): Promise<Measurement[]> {
  const pools = await Promise.all(contenders.map(poolOf));
  for (const [index, contender] of contenders.entries()) {
    await warmUp(contender.server.url, pools[index], Math.max(...concurrencies), options.warmupSeconds, () => contender.lagOf(contender.server.url));
  }
  const rows: Measurement[] = [];
  for (const concurrency of concurrencies) {
    rows.push(
      ...(await inTurns(contenders, scenario, options.rounds, options.seconds, (index, seconds) =>
        measuredLoad(contenders[index], () => runLoadRaw(contenders[index].server.url, pools[index], concurrency, seconds)),
      )),
    );
  }
  return rows;
}

/**
 * Reserve to completion on distinct tokens, in rounds: a batch of fresh tokens is looked up first
 * (AVAILABILITY, as on the phone; not measured), then each reserves once at `concurrency` while the
 * server's CPU is measured. The contenders take turns round by round (see inTurns); a batch is sized
 * from the server's previous round's rate, so few tokens are looked up for nothing.
 */
async function measureReserve(contenders: Contender[]): Promise<Measurement[]> {
  const reserveRounds = contenders.map((contender) => {
    const { server, target } = contender;
    const prefix = tokenPrefix('reserve');
    let issued = 0;
    let rate = 50; // reserves per second, until the first round says
    return async (concurrency: number, seconds: number): Promise<RoundResult> => {
      const batch = Math.max(concurrency * 4, Math.ceil(rate * seconds * 1.25));
      const tokens = Array.from({ length: batch }, () => `${prefix}-${issued++}`);
      const lookups = await runLoadRaw(server.url, oneShotPool(tokens.map((token) => lookupRequest(target, token))), Math.max(16, concurrency), 3600);
      const reserves = oneShotPool(tokens.map((token) => reserveRequest(target, token)));
      const result = await measuredLoad(contender, () => runLoadRaw(server.url, reserves, concurrency, seconds));
      const { load } = result;
      if (load.latencies.length && load.elapsed > 0) rate = load.latencies.length / load.elapsed;
      // A failed lookup before the reserve counts against the measurement it served.
      const setupErrors = lookups.errorSamples.map((sample) => `lookup before reserve: ${sample}`);
      return { ...result, load: { ...load, errors: load.errors + lookups.errors, errorSamples: [...setupErrors, ...load.errorSamples] } };
    };
  });

  // Warmed up in parts as warmUp does for the other scenarios (each round is a load on connections of
  // its own, framed by the lag reads).
  if (options.warmupSeconds > 0)
    for (const reserveRound of reserveRounds)
      await inWarmUpParts(options.warmupSeconds, (seconds) => reserveRound(Math.max(...options.concurrency), seconds));
  // Rounds of at most --reserve-round seconds: each round's tokens are looked up just before it.
  const rounds = Math.max(options.rounds, Math.ceil(options.seconds / options.reserveRoundSeconds));
  const rows: Measurement[] = [];
  for (const concurrency of options.concurrency) {
    rows.push(...(await inTurns(contenders, 'reserve', rounds, options.seconds, (index, seconds) => reserveRounds[index](concurrency, seconds))));
  }
  return rows;
}

/** The 1,000 people in a flow at once (open loop, see bench/lib/crowd.ts), after a short warm-up of lookups. */
async function measureCrowd(server: ServerProcess, label: string, target: Target, lagOf: LagReader): Promise<Measurement> {
  if (options.warmupSeconds > 0) {
    await warmUp(server.url, oneShotPool(lookupRequests(target, Math.ceil(options.warmupSeconds * 2000))), 4, options.warmupSeconds, () =>
      lagOf(server.url),
    );
  }
  const prefix = tokenPrefix('crowd');
  const walks: Walk[] = Array.from({ length: options.people }, (_, i) => {
    const token = `${prefix}-${i}`;
    return [
      { step: 'INIT', request: initRequest(target, token) },
      { step: 'lookup', request: lookupRequest(target, token) },
      { step: 'reserve', request: reserveRequest(target, token) },
    ];
  });
  const {
    result: crowd,
    cpu,
    lag,
  } = await measuredRun(
    { server, lagOf },
    () => runCrowd(server.url, walks, { people: options.people, rate: options.peopleRate, thinkSeconds: options.thinkSeconds }),
    (crowd) => crowd.requests,
  );
  const row: Measurement = {
    target: label,
    scenario: 'crowd',
    ...crowd,
    cpuMicrosPerRequest: cpuPerRequest(cpu, crowd.requests),
    eventLoopLagP99Ms: lag,
  };
  logRow(row);
  return row;
}

/**
 * Flowgate's event-loop lag p99 since the previous scrape, in ms (prom-client resets it on each
 * read), less the sampling interval Node counts into every sample.
 */
async function flowgateLag(url: string): Promise<number | undefined> {
  const text = await fetch(`${url}/metrics`).then(
    (response) => response.text(),
    () => '',
  );
  const match = /^nodejs_eventloop_lag_p99_seconds(?:\{[^}]*\})? ([0-9.e+-]+)$/m.exec(text);
  return match ? round(Math.max(0, Number(match[1]) * 1000 - EVENT_LOOP_RESOLUTION_MS), 2) : undefined;
}

/** A comparison server's event-loop lag p99 since the previous read, in ms. */
async function comparisonLag(url: string): Promise<number | undefined> {
  return fetch(`${url}/lag`).then(
    async (response) => round(((await response.json()) as { p99Ms: number }).p99Ms, 2),
    () => undefined,
  );
}

/** Flowgate's environment: production mode, the bench keys, demo data, and the pass's database (and Redis, when it has one). */
function flowgateEnv(database: BenchDatabase, redis: boolean, workers = 1): Record<string, string | undefined> {
  return {
    NODE_ENV: 'production',
    WEB_CONCURRENCY: String(workers),
    FLOW_PRIVATE_KEY_FILE: privateKeyFile,
    WHATSAPP_APP_SECRET: appSecret,
    ADMIN_TOKEN: adminToken,
    // The benchmark reads event-loop lag from /metrics.
    METRICS_PUBLIC: 'true',
    DEMO_DATA: 'true',
    REDIS_URL: redis ? process.env.REDIS_URL : undefined,
    CACHE_NAMESPACE: `bench-${randomBytes(4).toString('hex')}`,
    QUEUE_PREFIX: `bench-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: process.env.LOG_LEVEL,
    ...database.env,
  };
}

/** Flowgate as `npm start` runs it (the tracing entry point loaded first: inert unless `traces` names a sink). */
async function startFlowgate(
  database: BenchDatabase,
  redis: boolean,
  workers: number,
  cores: string | undefined,
  logName: string,
  traces?: TraceSink,
) {
  return startProcess({
    script: FLOWGATE_MAIN,
    nodeArgs: [...FLOWGATE_NODE_ARGS, ...profileArgs()],
    port: await freePort(),
    cores,
    logFile: join(OUT_DIR, logName),
    readyPath: '/health/ready',
    perfDir,
    env: {
      ...flowgateEnv(database, redis, workers),
      ...(traces ? { OTEL_EXPORTER_OTLP_ENDPOINT: traces.url, OTEL_SERVICE_NAME: 'flowgate-bench' } : {}),
    },
  });
}

/**
 * Flowgate's schema and demo data applied by its own seed command, before Flowgate starts: the
 * embedded database has one user at a time, so its stock can only be set while Flowgate is stopped.
 */
async function seedFlowgate(database: BenchDatabase, redis: boolean): Promise<void> {
  await new Promise<void>((done, fail) =>
    execFile(
      process.execPath,
      [FLOWGATE_SEED],
      {
        cwd: PROJECT_ROOT,
        env: { PATH: process.env.PATH, ...flowgateEnv(database, redis) } as NodeJS.ProcessEnv,
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        writeFileSync(join(OUT_DIR, 'flowgate-seed.log'), `${stdout}${stderr}`);
        if (error) fail(new Error(`${FLOWGATE_SEED} failed (${error.message.split('\n')[0]}); see bench/out/flowgate-seed.log`));
        else done();
      },
    ),
  );
}

/** One database the data endpoint scenarios run on, and the names its rows carry. */
interface PassPlan extends Pass {
  redis: boolean;
  scenarios: ScenarioName[];
  /** The main pass also runs the multi-worker comparison and the webhook intake. */
  main: boolean;
}

function planPasses(opts: BenchOptions): PassPlan[] {
  const redis = Boolean(process.env.REDIS_URL);
  const thinFor = (database: 'postgres' | 'embedded') => (database === 'postgres' ? 'thin+postgres' : 'thin+pglite');
  const main: PassPlan = {
    database: opts.database === 'embedded' ? 'embedded' : 'postgres',
    flowgate: 'flowgate',
    thin: thinFor(opts.database === 'embedded' ? 'embedded' : 'postgres'),
    redis,
    scenarios: opts.scenarios,
    main: true,
  };
  if (opts.database !== 'both') return [main];
  // A laptop's `npm start`: the embedded database, no Redis.
  const embeddedScenarios = opts.scenarios.filter((scenario) => ['ping', 'lookup', 'reserve', 'slots', 'crowd'].includes(scenario));
  return [
    main,
    { database: 'embedded', flowgate: 'flowgate embedded', thin: 'thin+pglite', redis: false, scenarios: embeddedScenarios, main: false },
  ];
}

interface PassOutcome {
  /** The row labels of its Flowgate and its thin server. */
  rows: [string, string];
  measurements: Measurement[];
  multiWorker: Measurement[];
  reservations: ReservationLedger[];
  initNotes: InitNote[];
  webhooks?: { acknowledged: number; stored: number };
  flood?: FloodResult;
  description: string;
}

async function runPass(plan: PassPlan, opts: BenchOptions): Promise<PassOutcome> {
  const outcome: PassOutcome = {
    rows: [plan.flowgate, plan.thin],
    measurements: [],
    multiWorker: [],
    reservations: [],
    initNotes: [],
    description: '',
  };
  const database = await benchDatabase(plan.database === 'postgres' ? process.env.DATABASE_URL : undefined);
  passDatabase = database;
  outcome.description = `${database.description}${plan.redis ? ', Redis cache and queue' : ', memory cache, queue in the database'}`;
  const newTarget = (url: string): Target => ({
    url,
    appSecret,
    adminToken,
    client: new FlowTestClient({ baseUrl: url, publicKey: keys.publicPem, appSecret, flowJsonOf }),
    tally: newTally(),
  });
  const reserving = (scenarios: ScenarioName[]) => scenarios.includes('reserve') || scenarios.includes('crowd');
  /** Servers running beside Flowgate for comparison, and the scenarios they are compared on. */
  const beside: Array<{ contender: Contender; scenarios: ScenarioName[] }> = [];
  try {
    // The servers Flowgate is compared with run beside it, pinned to the same core, and take turns
    // with it on the scenarios they share (see inTurns).
    if (plan.main && plan.scenarios.includes('ping')) {
      for (const comparison of PING_COMPARISONS) {
        log(comparison.title);
        const server = await startProcess({
          script: `dist-bench/bench/${comparison.script}.js`,
          nodeArgs: profileArgs(),
          port: await freePort(),
          cores: pinned ? SERVER_CORE : undefined,
          logFile: join(OUT_DIR, `${comparison.script}.log`),
          readyPath: '/lag',
          perfDir,
          env: { FLOW_PRIVATE_KEY_FILE: privateKeyFile, WHATSAPP_APP_SECRET: appSecret },
        });
        beside.push({ contender: { server, label: comparison.target, target: newTarget(server.url), lagOf: comparisonLag }, scenarios: ['ping'] });
      }
    }
    // The thin + Postgres server: the same requests of the inventory flow, on the same database.
    const thinScenarios = plan.scenarios.filter((scenario) => THIN_SCENARIOS.includes(scenario));
    let thin: Contender | undefined;
    if (thinScenarios.length) {
      log(
        `${plan.thin}: bare Fastify, same crypto, one session upsert per data request, stock through an in-process cache (bench/thin-postgres-server.ts)`,
      );
      const server = await startProcess({
        script: 'dist-bench/bench/thin-postgres-server.js',
        nodeArgs: profileArgs(),
        port: await freePort(),
        cores: pinned ? SERVER_CORE : undefined,
        logFile: join(OUT_DIR, `${plan.thin.replace('+', '-')}.log`),
        readyPath: '/lag',
        perfDir,
        env: { FLOW_PRIVATE_KEY_FILE: privateKeyFile, WHATSAPP_APP_SECRET: appSecret, THIN_STOCK: String(GENEROUS_STOCK), ...database.thinEnv },
      });
      thin = { server, label: plan.thin, target: newTarget(server.url), lagOf: comparisonLag };
      beside.push({ contender: thin, scenarios: thinScenarios });
    }

    /** Starts Flowgate, measures `scenarios` on it at `concurrency`, stops it. */
    const measureFlowgate = async (
      label: string,
      workers: number,
      cores: string | undefined,
      scenarios: ScenarioName[],
      concurrency: number[],
      traces?: TraceSink,
      compared: typeof beside = [],
    ) => {
      const logName = `${label.replaceAll(' ', '-').replaceAll('+', '')}-${scenarios.join('-')}.log`;
      const server = await startFlowgate(database, plan.redis, workers, cores, logName, traces);
      const target = newTarget(server.url);
      const rows: Measurement[] = [];
      try {
        if (database.kind === 'postgres' && reserving(scenarios)) await stockFlowgate(database);
        for (const scenario of scenarios) {
          if (scenario === 'flood') {
            outcome.flood = await measureFlood(server, target);
            rows.push(...outcome.flood.rows);
            continue;
          }
          const others = compared.filter((other) => other.scenarios.includes(scenario)).map((other) => other.contender);
          rows.push(...(await measureScenario(scenario, [...others, { server, label, target, lagOf: flowgateLag }], concurrency)));
        }
      } finally {
        await server.stop();
      }
      return { rows, target };
    };

    // Webhooks go last: their background processing would otherwise run during the other measurements.
    const flowScenarios = plan.scenarios.filter((scenario) => scenario !== 'webhook');
    if (flowScenarios.length) {
      if (database.kind === 'embedded' && reserving(flowScenarios)) {
        log(`  ${plan.flowgate}: schema and demo data first (npm run db:seed), then ${GENEROUS_STOCK} units of PROD-99`);
        await seedFlowgate(database, plan.redis);
        await stockFlowgate(database);
      }
      log(`${plan.flowgate}, 1 process (${outcome.description})`);
      const { rows, target } = await measureFlowgate(
        plan.flowgate,
        1,
        pinned ? SERVER_CORE : undefined,
        flowScenarios,
        opts.concurrency,
        undefined,
        beside,
      );
      // The table reads server by server: the comparisons first, then Flowgate (a stable sort keeps the rest in order).
      const order: string[] = [...PING_COMPARISONS.map((comparison) => comparison.target), plan.thin, plan.flowgate];
      const rank = (row: Measurement) => (order.includes(row.target) ? order.indexOf(row.target) : order.length);
      outcome.measurements.push(...rows.sort((a, b) => rank(a) - rank(b)));
      if (thin) {
        const stats = (await fetch(`${thin.server.url}/stats`).then((response) => response.json())) as Record<string, number>;
        if (reserving(thinScenarios)) {
          outcome.reservations.push({
            server: plan.thin,
            completions: thin.target.tally.completions,
            reservations: stats.completed,
            reserved: stats.reserved,
            stockTaken: stats.initialUnits - stats.units,
          });
        }
        outcome.initNotes.push({ server: plan.thin, inits: thin.target.tally.inits, initErrors: thin.target.tally.initErrors });
      }
      for (const { contender } of beside.splice(0)) await contender.server.stop();
      if (reserving(flowScenarios)) {
        const { reservations, reserved, units } = await flowgateReservations(database);
        outcome.reservations.push({
          server: plan.flowgate,
          completions: target.tally.completions,
          reservations,
          reserved,
          stockTaken: GENEROUS_STOCK - units,
        });
      }
      outcome.initNotes.push({ server: plan.flowgate, inits: target.tally.inits, initErrors: target.tally.initErrors });

      // The same requests with every one traced and exported: the cost of tracing, beside the run without.
      const traced = flowScenarios.filter((scenario) => scenario === 'ping' || scenario === 'lookup');
      if (options.tracing && traced.length) {
        const sink = await startTraceSink();
        const label = `${plan.flowgate} + traces`;
        log(`${label}, 1 process: every request sampled, OTLP http/protobuf to a local sink (bench/lib/trace-sink.ts)`);
        try {
          const { rows: tracedRows } = await measureFlowgate(label, 1, pinned ? SERVER_CORE : undefined, traced, opts.concurrency, sink);
          outcome.measurements.push(...tracedRows);
          for (const on of tracedRows) {
            const off = rows.find((row) => row.scenario === on.scenario && row.concurrency === on.concurrency);
            if (!off) continue;
            const ratio = (a: number, b: number) => (b ? round(a / b, 2) : 0);
            log(
              `  traces on/off, ${on.scenario} c=${on.concurrency}: ${ratio(on.rps, off.rps)}× req/s, ${ratio(on.latencyMs.p90, off.latencyMs.p90)}× p90, ` +
                `${ratio(on.cpuMicrosPerRequest, off.cpuMicrosPerRequest)}× CPU per request`,
            );
          }
          log(`  the sink received ${sink.requests} exports, ${round(sink.bytes / 1024, 0)} KiB`);
        } finally {
          await sink.stop();
        }
      }
    }

    if (plan.main && opts.workers > 1) {
      if (database.kind !== 'postgres') {
        log(`multi-worker run skipped: WEB_CONCURRENCY > 1 needs DATABASE_URL (the embedded database lives in one process)`);
      } else {
        // Server and load generator share both cores, as they would on a small production machine.
        // One process is measured the same way first, so the comparison shows what the workers add.
        if (pinned) pinSelf(`${SERVER_CORE},${LOADGEN_CORE}`);
        try {
          const top = [Math.max(...opts.concurrency)];
          const shared = flowScenarios.filter((scenario) => scenario === 'ping' || scenario === 'lookup');
          for (const workers of shared.length ? [1, opts.workers] : []) {
            log(`flowgate, WEB_CONCURRENCY=${workers}, server and load generator sharing the cores`);
            outcome.multiWorker.push(...(await measureFlowgate(`flowgate x${workers} shared cores`, workers, undefined, shared, top)).rows);
          }
        } finally {
          if (pinned) pinSelf(LOADGEN_CORE);
        }
      }
    }

    if (plan.main && plan.scenarios.includes('webhook')) {
      log(`${plan.flowgate}, 1 process, webhook intake (${outcome.description})`);
      outcome.measurements.push(...(await measureFlowgate(plan.flowgate, 1, pinned ? SERVER_CORE : undefined, ['webhook'], opts.concurrency)).rows);
      outcome.webhooks = { acknowledged: webhookTally.acknowledged, stored: await database.count(FLOWGATE_TABLES.webhookEvents) };
      log(`  webhook events acknowledged ${outcome.webhooks.acknowledged}, stored ${outcome.webhooks.stored}`);
    }
  } finally {
    for (const { contender } of beside) await contender.server.stop();
    await database.dispose();
  }
  return outcome;
}

const webhookTally = { acknowledged: 0 };

/** One scenario on running servers (Flowgate and those it is compared with), at each concurrency. */
async function measureScenario(scenario: ScenarioName, contenders: Contender[], concurrency = options.concurrency): Promise<Measurement[]> {
  // Enough for the warm-up and every concurrency at the rate the pool is built for.
  const oneShot = Math.ceil((options.seconds * concurrency.length + options.warmupSeconds) * options.oneShotPerSecond);
  switch (scenario) {
    case 'ping':
      return measure(scenario, contenders, ({ target }) => cyclingPool(pingRequests(target, options.poolSize)), concurrency);
    case 'lookup':
      // Never reused: a repeated envelope is a replay, answered from its record without the handler.
      return measure(scenario, contenders, ({ target }) => oneShotPool(lookupRequests(target, oneShot)), concurrency);
    case 'reserve':
      return measureReserve(contenders);
    case 'slots': {
      // Its target reads it against a lookup on the same server: lookups take turns with the slot
      // listings, so the host's drift between two scenarios measured one after the other stays out.
      const flowgate = contenders[contenders.length - 1];
      const lookups = { ...flowgate, scenario: LOOKUP_BESIDE_SLOTS };
      return measure(
        scenario,
        [lookups, flowgate],
        async (contender) =>
          oneShotPool(contender === lookups ? lookupRequests(contender.target, oneShot) : await slotRequests(contender.target, oneShot)),
        concurrency,
      );
    }
    case 'crowd': {
      // Open loop, one server after the other: each crowd walks at its own pace for its whole length.
      const rows: Measurement[] = [];
      for (const { server, label, target, lagOf } of contenders) rows.push(await measureCrowd(server, label, target, lagOf));
      return rows;
    }
    case 'webhook':
      // Never reused: each post is a new message, so every acknowledged one must be stored.
      return measure(scenario, contenders, ({ target }) => oneShotPool(webhookRequests(target, oneShot, webhookTally)), concurrency);
    case 'flood':
      throw new Error('the unsigned flood is measured by unsignedFlood, beside pings');
  }
}

async function main(opts: BenchOptions) {
  const started = Date.now();
  const measurements: Measurement[] = [];
  const passes = planPasses(opts);
  log(
    `Flowgate benchmark${opts.smoke ? ' (smoke)' : ''}: ${opts.seconds}s per load, concurrency ${opts.concurrency.join('/')}, scenarios ${opts.scenarios.join(', ')}; ` +
      `database ${passes.map((pass) => pass.database).join(' then ')}`,
  );
  log(
    pinned
      ? `Pinned: server on core ${SERVER_CORE}, load generator on core ${LOADGEN_CORE} (taskset)`
      : 'Not pinned (taskset or a second core missing, or --no-pin)',
  );

  log('crypto ceiling (in process)');
  const ceiling = cryptoCeiling(keys.privatePem, opts.ceilingSeconds);
  log(`  ${ceiling.opsPerSecond} unwrap+decrypt+encrypt per second (${ceiling.microsPerOp} µs each)`);

  const outcomes: PassOutcome[] = [];
  try {
    for (const plan of passes) {
      if (plan.scenarios.length === 0) continue;
      const outcome = await runPass(plan, opts);
      outcomes.push(outcome);
      measurements.push(...outcome.measurements);
    }
  } finally {
    rmSync(keyDir, { recursive: true, force: true });
  }

  const multiWorker = outcomes.flatMap((outcome) => outcome.multiWorker);
  const webhooks = outcomes.find((outcome) => outcome.webhooks)?.webhooks;
  const flood = outcomes.find((outcome) => outcome.flood)?.flood;
  const report = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: {
      cpu: cpus()[0]?.model,
      cores: cpus().length,
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      node: process.version,
      kernel: release(),
      databases: outcomes.map((outcome) => ({ rows: outcome.rows, database: outcome.description })),
      redis: process.env.REDIS_URL ? 'yes' : 'no',
      pinning: pinned ? { server: SERVER_CORE, loadGenerator: LOADGEN_CORE } : null,
    },
    settings: {
      seconds: opts.seconds,
      warmupSeconds: opts.warmupSeconds,
      concurrency: opts.concurrency,
      poolSize: opts.poolSize,
      reserveRoundSeconds: opts.reserveRoundSeconds,
      crowd: { people: opts.people, rate: opts.peopleRate, thinkSeconds: opts.thinkSeconds },
      database: opts.database,
      smoke: opts.smoke,
    },
    scenarios: Object.fromEntries(opts.scenarios.map((name) => [name, SCENARIO_TITLES[name]])),
    cryptoCeiling: ceiling,
    measurements: [...measurements, ...multiWorker],
    webhooks: { acknowledged: webhooks?.acknowledged ?? 0, stored: webhooks?.stored },
    reservations: outcomes.flatMap((outcome) => outcome.reservations),
    ...evaluateTargets({
      measurements,
      multiWorker,
      passes,
      webhooks: { acknowledged: webhooks?.acknowledged ?? 0, stored: webhooks?.stored },
      webhookDatabase: passes[0].database,
      reservations: outcomes.flatMap((outcome) => outcome.reservations),
      initNotes: outcomes.flatMap((outcome) => outcome.initNotes),
      flood,
      smoke: opts.smoke,
    }),
    // With --profile: where each row's CPU per request went (its servers have stopped: profiles written).
    ...(opts.profile ? { profileParts: rowParts(PROFILE_DIR, profiledRows) } : {}),
    // With --perf: the same from perf's recordings (CPU time only, every thread, the kernel included).
    ...(opts.perf ? { perfParts: await rowPerfParts(PERF_DIR, profiledRows) } : {}),
    durationSeconds: round((Date.now() - started) / 1000, 1),
  };
  return report;
}

/** The unsigned flood beside signed pings, on a running Flowgate (see bench/lib/flood.ts). */
async function measureFlood(server: ServerProcess, target: Target): Promise<FloodResult> {
  const pings = cyclingPool(pingRequests(target, options.poolSize));
  await warmUp(server.url, pings, 4, options.warmupSeconds);
  const result = await unsignedFlood({
    url: server.url,
    pid: server.pid,
    pings,
    seconds: options.seconds,
    pingConcurrency: 4,
    floodConcurrency: options.smoke ? 4 : 8,
  });
  for (const row of result.rows)
    log(
      `  flowgate ${row.scenario} c=${row.concurrency}: ${row.rps} req/s, p50 ${row.latencyMs.p50} ms, p99 ${row.latencyMs.p99} ms, ${row.errors} errors`,
    );
  for (const row of result.rows.filter((r) => r.errorSamples.length)) log(`    first errors (${row.scenario}): ${row.errorSamples.join(' | ')}`);
  log(`  ${result.summary}`);
  return result;
}

// Scenarios run in the order of SCENARIOS whatever order --scenarios named them.
options.scenarios = SCENARIOS.filter((scenario) => options.scenarios.includes(scenario));

main(options)
  .then((report) => {
    const path = join(OUT_DIR, options.smoke ? 'smoke.json' : 'report.json');
    writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(
      path.replace(/\.json$/, '.md'),
      `${markdownTable(report.measurements)}\n\n${report.summary.map((line) => `- ${line}`).join('\n')}\n`,
    );
    process.stdout.write(`${JSON.stringify(report)}\n\n`);
    process.stdout.write(`${table(report.measurements)}\n\n`);
    process.stdout.write(`${report.summary.join('\n')}\n`);
    if (report.profileParts?.length) {
      process.stdout.write(
        `\nWhere the CPU per request went, from the servers' profiles (bench/out/profiles):\n\n${rowPartsTables(report.profileParts)}\n`,
      );
    }
    if (report.perfParts?.length) {
      process.stdout.write(
        `\nThe CPU per request by part, from perf (bench/out/perf; CPU time of every thread):\n\n${rowPartsTables(report.perfParts, 'µs per request (every thread)')}\n`,
      );
    }
    process.stdout.write(`\nJSON report: ${path}\n`);
    if (!report.ok) process.exitCode = 1;
  })
  .catch((error) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  });
