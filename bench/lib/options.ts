import { SCENARIOS, type ScenarioName } from './scenarios.js';

/** Which database(s) the data-endpoint scenarios run on. */
export type DatabaseChoice = 'postgres' | 'embedded' | 'both';

export interface BenchOptions {
  smoke: boolean;
  /** Measured seconds per scenario and concurrency. */
  seconds: number;
  /** Unmeasured load before each scenario (JIT, connections, caches). */
  warmupSeconds: number;
  /**
   * Rounds each compared load is cut into: the servers compared on a scenario take turns round by
   * round, so a machine that slows down or speeds up mid-run weighs on each of them alike.
   */
  rounds: number;
  concurrency: number[];
  scenarios: ScenarioName[];
  /** Postgres (DATABASE_URL), the embedded database, or both one after the other in the same run. */
  database: DatabaseChoice;
  /** Distinct pre-built pings (gone round when the load needs more: a ping's answer never changes). */
  poolSize: number;
  /**
   * Requests built per second of load for the scenarios whose requests are never reused: webhook
   * posts (each a new message) and data exchanges (a repeated envelope is answered as a replay).
   */
  oneShotPerSecond: number;
  /** Seconds of one round of the reserve scenario (its tokens are looked up between rounds, unmeasured). */
  reserveRoundSeconds: number;
  /** The 1,000-people scenario: people, their requests per second in all, seconds between a person's steps. */
  people: number;
  peopleRate: number;
  thinkSeconds: [number, number];
  ceilingSeconds: number;
  /** WEB_CONCURRENCY of the multi-worker run; 1 skips it. */
  workers: number;
  noPin: boolean;
  /** Write V8 CPU profiles of Flowgate and the comparison servers to bench/out/profiles, and read each row's parts from them. */
  profile: boolean;
  /** Record Flowgate and the comparison servers with Linux perf (bench/out/perf), and read each row's CPU by part from it. */
  perf: boolean;
  /** Flowgate once more with traces on (to a local OTLP sink), for ping and lookup: the cost of tracing. */
  tracing: boolean;
}

const HELP = `npm run bench -- [options]
  --smoke                 a few seconds per scenario: every reply must decrypt and check out (what CI runs)
  --seconds N             measured seconds per scenario and concurrency (default 10; smoke 1)
  --warmup N              warm-up seconds of each server before each scenario, in parts on new connections
                          (default 20; smoke 0.3)
  --rounds N              servers compared on a scenario take turns, each load cut into N rounds (default 4; smoke 1)
  --concurrency 1,16,64   requests in flight (default 1,16,64; smoke 1,4); the targets read c=64 (c=16 for reserve)
  --scenarios LIST        comma-separated, default all: ${SCENARIOS.join(',')}
                            ping     the health check action: thin baseline, framework floor (bare, and with a guard and an interceptor), Flowgate
                            lookup   PROD-99 on INVENTORY, a fresh flow token per request: Flowgate and thin + Postgres
                            reserve  AVAILABILITY → SUCCESS on distinct tokens, each looked up first (unmeasured): both
                            slots    appointment slot listing: Flowgate
                            crowd    the 1,000 people in a flow at once (open loop, see --people): both
                            flood    unsigned and mis-signed large bodies beside signed pings: Flowgate
                            webhook  nfm_reply intake, every acknowledged event stored: Flowgate
  --database WHICH        postgres (needs DATABASE_URL), embedded, or both: the data endpoint scenarios again on
                          the embedded database (Flowgate's PGlite, no Redis; thin server with PGlite in process),
                          reported beside, no target (default: postgres when DATABASE_URL is set, else embedded)
  --people N              people in the crowd scenario (default 1000; smoke 50)
  --people-rate R         their requests per second in all (default 200; smoke 75)
  --think MIN-MAX         seconds between one person's steps (default 2-4; smoke 0.2-0.6)
  --reserve-round N       seconds per round of the reserve scenario (default 2; smoke 1)
  --workers N             WEB_CONCURRENCY of the multi-worker run (default 2; 1 skips it; needs Postgres)
  --no-pin                do not pin server and load generator to different cores
  --tracing               ping and lookup again on Flowgate with traces on (every request sampled, OTLP
                          http/protobuf to a local sink), reported beside the run with traces off
  --profile               CPU profiles (node --cpu-prof) of Flowgate and the comparison servers to bench/out/profiles,
                          and each row's CPU per request by part of the request path, printed side by side
  --perf                  the same parts from Linux perf (needs perf; bench/out/perf): CPU time only, every thread and
                          the kernel counted, where --profile also counts moments a server waited for its core
  --help                  this text
Uses DATABASE_URL (a database of its own, dropped afterwards) and REDIS_URL when set. Flowgate runs with
NODE_ENV=production, one process pinned to core 0 (taskset), the load generator on core 1.`;

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const smoke = argv.includes('--smoke');
  const database: DatabaseChoice = env.DATABASE_URL ? 'postgres' : 'embedded';
  const options: BenchOptions = smoke
    ? {
        smoke,
        seconds: 1,
        warmupSeconds: 0.3,
        rounds: 1,
        concurrency: [1, 4],
        scenarios: [...SCENARIOS],
        database,
        poolSize: 200,
        oneShotPerSecond: 2000,
        reserveRoundSeconds: 1,
        people: 50,
        peopleRate: 75,
        thinkSeconds: [0.2, 0.6],
        ceilingSeconds: 0.3,
        workers: 1,
        noPin: false,
        profile: false,
        perf: false,
        tracing: false,
      }
    : {
        smoke,
        seconds: 10,
        warmupSeconds: 20,
        rounds: 4,
        concurrency: [1, 16, 64],
        scenarios: [...SCENARIOS],
        database,
        poolSize: 4000,
        oneShotPerSecond: 4000,
        reserveRoundSeconds: 2,
        people: 1000,
        peopleRate: 200,
        thinkSeconds: [2, 4],
        ceilingSeconds: 3,
        workers: 2,
        noPin: false,
        profile: false,
        perf: false,
        tracing: false,
      };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const next = argv[++i];
      if (next === undefined) fail(`${argv[i - 1]} needs a value`);
      return next;
    };
    const number = (min: number) => {
      const parsed = Number(value());
      if (!Number.isFinite(parsed) || parsed < min) fail(`${argv[i - 1]} must be a number of at least ${min}`);
      return parsed;
    };
    switch (argv[i]) {
      case '--smoke':
        break;
      case '--seconds':
        options.seconds = number(0.1);
        break;
      case '--warmup':
        options.warmupSeconds = number(0);
        break;
      case '--rounds':
        options.rounds = Math.floor(number(1));
        break;
      case '--concurrency':
        options.concurrency = value()
          .split(',')
          .map((part) => {
            const n = Number(part);
            if (!Number.isInteger(n) || n < 1 || n > 1024) fail('--concurrency takes integers from 1 to 1024, e.g. 1,16,64');
            return n;
          });
        break;
      case '--scenarios':
        options.scenarios = value()
          .split(',')
          .map((name) => {
            if (!(SCENARIOS as readonly string[]).includes(name)) fail(`unknown scenario "${name}"; choose from ${SCENARIOS.join(', ')}`);
            return name as ScenarioName;
          });
        break;
      case '--database': {
        const choice = value();
        if (choice !== 'postgres' && choice !== 'embedded' && choice !== 'both') fail('--database takes postgres, embedded or both');
        options.database = choice;
        break;
      }
      case '--people':
        options.people = Math.floor(number(1));
        break;
      case '--people-rate':
        options.peopleRate = number(1);
        break;
      case '--think': {
        const [min, max] = value().split('-').map(Number);
        if (!Number.isFinite(min) || !Number.isFinite(max) || min < 0 || max < min) fail('--think takes MIN-MAX seconds, e.g. 2-4');
        options.thinkSeconds = [min, max];
        break;
      }
      case '--reserve-round':
        options.reserveRoundSeconds = number(0.2);
        break;
      case '--workers':
        options.workers = Math.floor(number(1));
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--perf':
        options.perf = true;
        break;
      case '--tracing':
        options.tracing = true;
        break;
      case '--no-pin':
        options.noPin = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(`${HELP}\n`);
        return process.exit(0);
      default:
        fail(`unknown option "${argv[i]}"`);
    }
  }
  if (options.database !== 'embedded' && !env.DATABASE_URL)
    fail(`--database ${options.database} needs DATABASE_URL (a Postgres server the benchmark may create a database on)`);
  return options;
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n${HELP}\n`);
  process.exit(2);
}
