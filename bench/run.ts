/**
 * `npm run bench`: drives the built Flowgate server and a thin baseline with requests built exactly
 * like WhatsApp's client, decrypts and checks every reply, and prints a table and a JSON report.
 * `npm run bench -- --help` lists the options.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { EVENT_LOOP_RESOLUTION_MS, FLOWGATE_MAIN, FlowTestClient, freePort, generateAppSecret, generateTestKeyPair } from './lib/flowgate.js';
import { cryptoCeiling } from './lib/crypto-ceiling.js';
import { benchDatabase } from './lib/database.js';
import { cyclingPool, oneShotPool, round, runLoad, type RequestPool } from './lib/load.js';
import { parseOptions, type BenchOptions } from './lib/options.js';
import { serverCpuMicros } from './lib/process-cpu.js';
import { markdownTable, table, type Measurement } from './lib/report.js';
import { unsignedFlood, type FloodResult } from './lib/flood.js';
import { evaluateTargets } from './lib/targets.js';
import { inventoryRequests, pingRequests, SCENARIO_TITLES, slotRequests, webhookRequests, type ScenarioName, type Target } from './lib/scenarios.js';
import { pinSelf, PROJECT_ROOT, startProcess, TASKSET, type ServerProcess } from './lib/servers.js';

const SERVER_CORE = '0';
const LOADGEN_CORE = '1';
const OUT_DIR = resolve(PROJECT_ROOT, 'bench/out');

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

/** Loads `requests` at each concurrency, measuring the server's CPU and its event-loop lag p99. */
async function measure(
  server: ServerProcess,
  target: string,
  scenario: string,
  requests: RequestPool,
  concurrencies: number[],
  lagOf: (url: string) => Promise<number | undefined>,
): Promise<Measurement[]> {
  const results: Measurement[] = [];
  await runLoad(server.url, requests, Math.max(...concurrencies), options.warmupSeconds);
  for (const concurrency of concurrencies) {
    await lagOf(server.url); // reading starts a new window
    const cpuBefore = serverCpuMicros(server.pid);
    const load = await runLoad(server.url, requests, concurrency, options.seconds);
    const cpu = serverCpuMicros(server.pid) - cpuBefore;
    const lag = await lagOf(server.url);
    const row: Measurement = {
      target,
      scenario,
      ...load,
      cpuMicrosPerRequest: load.requests ? round(cpu / load.requests, 0) : 0,
      eventLoopLagP99Ms: lag,
    };
    log(
      `  ${target} ${scenario} c=${concurrency}: ${row.rps} req/s, p99 ${row.latencyMs.p99} ms, ${row.errors} errors, ${row.cpuMicrosPerRequest} µs CPU/req`,
    );
    if (row.errorSamples.length) log(`    first errors: ${row.errorSamples.join(' | ')}`);
    results.push(row);
  }
  return results;
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

async function startFlowgate(database: Awaited<ReturnType<typeof benchDatabase>>, workers: number, cores: string | undefined, logName: string) {
  const port = await freePort();
  return startProcess({
    script: FLOWGATE_MAIN,
    nodeArgs: options.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(OUT_DIR, 'profiles')}`] : [],
    port,
    cores,
    logFile: join(OUT_DIR, logName),
    readyPath: '/health/ready',
    env: {
      NODE_ENV: 'production',
      WEB_CONCURRENCY: String(workers),
      FLOW_PRIVATE_KEY_FILE: privateKeyFile,
      WHATSAPP_APP_SECRET: appSecret,
      ADMIN_TOKEN: adminToken,
      // The benchmark reads event-loop lag from /metrics.
      METRICS_PUBLIC: 'true',
      DEMO_DATA: 'true',
      REDIS_URL: process.env.REDIS_URL,
      CACHE_NAMESPACE: `bench-${randomBytes(4).toString('hex')}`,
      QUEUE_PREFIX: `bench-${randomBytes(4).toString('hex')}`,
      LOG_LEVEL: process.env.LOG_LEVEL,
      ...database.env,
    },
  });
}

async function main(opts: BenchOptions) {
  const started = Date.now();
  const measurements: Measurement[] = [];
  log(
    `Flowgate benchmark${opts.smoke ? ' (smoke)' : ''}: ${opts.seconds}s per load, concurrency ${opts.concurrency.join('/')}, scenarios ${opts.scenarios.join(', ')}`,
  );
  log(
    pinned
      ? `Pinned: server on core ${SERVER_CORE}, load generator on core ${LOADGEN_CORE} (taskset)`
      : 'Not pinned (taskset or a second core missing, or --no-pin)',
  );

  log('crypto ceiling (in process)');
  const ceiling = cryptoCeiling(keys.privatePem, opts.ceilingSeconds);
  log(`  ${ceiling.opsPerSecond} unwrap+decrypt+encrypt per second (${ceiling.microsPerOp} µs each)`);

  // The comparison servers take the same ping-shaped load at each concurrency.
  const comparisons = [
    { target: 'baseline', title: 'thin baseline (bench/baseline-server.ts)', script: 'baseline-server' },
    {
      target: 'framework floor',
      title: 'framework floor: NestJS on Fastify, same crypto (bench/framework-floor-server.ts)',
      script: 'framework-floor-server',
    },
  ];
  for (const comparison of comparisons) {
    log(comparison.title);
    const server = await startProcess({
      script: `dist-bench/bench/${comparison.script}.js`,
      port: await freePort(),
      cores: pinned ? SERVER_CORE : undefined,
      logFile: join(OUT_DIR, `${comparison.script}.log`),
      readyPath: '/lag',
      env: { FLOW_PRIVATE_KEY_FILE: privateKeyFile, WHATSAPP_APP_SECRET: appSecret },
    });
    const client = new FlowTestClient({ baseUrl: server.url, publicKey: keys.publicPem, appSecret });
    try {
      measurements.push(
        ...(await measure(server, comparison.target, 'ping', cyclingPool(pingRequests({ client }, opts.poolSize)), opts.concurrency, comparisonLag)),
      );
    } finally {
      await server.stop();
    }
  }

  const database = await benchDatabase(process.env.DATABASE_URL);
  const webhooks = { acknowledged: 0 };
  let webhooksStored: number | undefined;
  let flood: FloodResult | undefined;
  const multiWorker: Measurement[] = [];
  try {
    const flowgateTarget = (url: string): Target => ({
      url,
      appSecret,
      adminToken,
      client: new FlowTestClient({ baseUrl: url, publicKey: keys.publicPem, appSecret }),
    });
    /** Starts Flowgate, measures `scenarios` on it at `concurrency`, stops it. */
    const measureFlowgate = async (label: string, workers: number, cores: string | undefined, scenarios: ScenarioName[], concurrency: number[]) => {
      const server = await startFlowgate(database, workers, cores, `${label.replaceAll(' ', '-')}-${scenarios.join('-')}.log`);
      const rows: Measurement[] = [];
      try {
        for (const scenario of scenarios) {
          if (scenario === 'flood') {
            flood = await measureFlood(server, flowgateTarget(server.url));
            rows.push(...flood.rows);
            continue;
          }
          rows.push(
            ...(await measure(
              server,
              label,
              scenario,
              await buildRequests(scenario, flowgateTarget(server.url), opts, webhooks),
              concurrency,
              flowgateLag,
            )),
          );
        }
      } finally {
        await server.stop();
      }
      return rows;
    };
    const description = `${database.description}${process.env.REDIS_URL ? ', Redis cache and queue' : ', memory cache, queue in the database'}`;

    // Webhooks go last: their background processing would otherwise run during the other measurements.
    const flowScenarios = opts.scenarios.filter((scenario) => scenario !== 'webhook');
    if (flowScenarios.length) {
      log(`flowgate, 1 process (${description})`);
      measurements.push(...(await measureFlowgate('flowgate', 1, pinned ? SERVER_CORE : undefined, flowScenarios, opts.concurrency)));
    }

    if (opts.workers > 1) {
      if (database.kind !== 'postgres') {
        log(`multi-worker run skipped: WEB_CONCURRENCY > 1 needs DATABASE_URL (the embedded database lives in one process)`);
      } else {
        // Server and load generator share both cores, as they would on a small production machine.
        // One process is measured the same way first, so the comparison shows what the workers add.
        if (pinned) pinSelf(`${SERVER_CORE},${LOADGEN_CORE}`);
        try {
          const top = [Math.max(...opts.concurrency)];
          const shared = flowScenarios.filter((scenario) => scenario === 'ping' || scenario === 'inventory');
          for (const workers of [1, opts.workers]) {
            log(`flowgate, WEB_CONCURRENCY=${workers}, server and load generator sharing the cores`);
            multiWorker.push(...(await measureFlowgate(`flowgate x${workers} shared cores`, workers, undefined, shared, top)));
          }
        } finally {
          if (pinned) pinSelf(LOADGEN_CORE);
        }
      }
    }

    if (opts.scenarios.includes('webhook')) {
      log(`flowgate, 1 process, webhook intake (${description})`);
      measurements.push(...(await measureFlowgate('flowgate', 1, pinned ? SERVER_CORE : undefined, ['webhook'], opts.concurrency)));
      webhooksStored = await database.count('webhook_events');
      log(`  webhook events acknowledged ${webhooks.acknowledged}, stored ${webhooksStored}`);
    }
  } finally {
    await database.dispose();
    rmSync(keyDir, { recursive: true, force: true });
  }

  const report = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: {
      cpu: cpus()[0]?.model,
      cores: cpus().length,
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      node: process.version,
      kernel: release(),
      database: database.description,
      redis: process.env.REDIS_URL ? 'yes' : 'no',
      pinning: pinned ? { server: SERVER_CORE, loadGenerator: LOADGEN_CORE } : null,
    },
    settings: { seconds: opts.seconds, warmupSeconds: opts.warmupSeconds, concurrency: opts.concurrency, poolSize: opts.poolSize, smoke: opts.smoke },
    scenarios: Object.fromEntries(opts.scenarios.map((name) => [name, SCENARIO_TITLES[name]])),
    cryptoCeiling: ceiling,
    measurements: [...measurements, ...multiWorker],
    webhooks: { acknowledged: webhooks.acknowledged, stored: webhooksStored },
    ...evaluateTargets({
      measurements,
      multiWorker,
      database: database.kind,
      webhooks: { acknowledged: webhooks.acknowledged, stored: webhooksStored },
      flood,
      smoke: opts.smoke,
    }),
    durationSeconds: round((Date.now() - started) / 1000, 1),
  };
  return report;
}

/** The unsigned flood beside signed pings, on a running Flowgate (see bench/lib/flood.ts). */
async function measureFlood(server: ServerProcess, target: Target): Promise<FloodResult> {
  const pings = cyclingPool(pingRequests(target, options.poolSize));
  await runLoad(server.url, pings, 4, options.warmupSeconds);
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

async function buildRequests(scenario: ScenarioName, target: Target, opts: BenchOptions, tally: { acknowledged: number }): Promise<RequestPool> {
  // Enough for the warm-up and every concurrency at the rate the pool is built for.
  const oneShot = Math.ceil((opts.seconds * opts.concurrency.length + opts.warmupSeconds) * opts.oneShotPerSecond);
  switch (scenario) {
    case 'ping':
      return cyclingPool(pingRequests(target, opts.poolSize));
    case 'inventory':
      // Never reused: a repeated envelope is a replay, answered from its record without the handler.
      return oneShotPool(inventoryRequests(target, oneShot));
    case 'slots':
      return oneShotPool(await slotRequests(target, oneShot));
    case 'webhook':
      // Never reused: each post is a new message, so every acknowledged one must be stored.
      return oneShotPool(webhookRequests(target, oneShot, tally));
    case 'flood':
      throw new Error('the unsigned flood is measured by unsignedFlood, beside pings');
  }
}

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
    process.stdout.write(`\nJSON report: ${path}\n`);
    if (!report.ok) process.exitCode = 1;
  })
  .catch((error) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  });
