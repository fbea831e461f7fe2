import { SCENARIOS, type ScenarioName } from './scenarios.js';

export interface BenchOptions {
  smoke: boolean;
  /** Measured seconds per scenario and concurrency. */
  seconds: number;
  /** Unmeasured load before each scenario (JIT, connections, caches). */
  warmupSeconds: number;
  concurrency: number[];
  scenarios: ScenarioName[];
  /** Distinct pre-built pings (gone round when the load needs more: a ping's answer never changes). */
  poolSize: number;
  /**
   * Requests built per second of load for the scenarios whose requests are never reused: webhook
   * posts (each a new message) and data exchanges (a repeated envelope is answered as a replay).
   */
  oneShotPerSecond: number;
  ceilingSeconds: number;
  /** WEB_CONCURRENCY of the multi-worker run; 1 skips it. */
  workers: number;
  noPin: boolean;
  /** Write V8 CPU profiles of the Flowgate processes to bench/out/profiles. */
  profile: boolean;
}

const HELP = `npm run bench -- [options]
  --smoke                 a few seconds: every reply must decrypt and check out (CI)
  --seconds N             measured seconds per scenario and concurrency (default 10)
  --warmup N              warm-up seconds before each scenario (default 2)
  --concurrency 1,16,64   requests in flight
  --scenarios ${SCENARIOS.join(',')}
  --workers N             WEB_CONCURRENCY of the multi-worker run (default 2; 1 skips it; needs DATABASE_URL)
  --no-pin                do not pin server and load generator to different cores
  --profile               write CPU profiles of Flowgate (node --cpu-prof) to bench/out/profiles
Uses DATABASE_URL (a database of its own, dropped afterwards) and REDIS_URL when set.`;

export function parseOptions(argv: string[]): BenchOptions {
  const smoke = argv.includes('--smoke');
  const options: BenchOptions = smoke
    ? {
        smoke,
        seconds: 1,
        warmupSeconds: 0.3,
        concurrency: [1, 4],
        scenarios: [...SCENARIOS],
        poolSize: 200,
        oneShotPerSecond: 2000,
        ceilingSeconds: 0.3,
        workers: 1,
        noPin: false,
        profile: false,
      }
    : {
        smoke,
        seconds: 10,
        warmupSeconds: 2,
        concurrency: [1, 16, 64],
        scenarios: [...SCENARIOS],
        poolSize: 4000,
        oneShotPerSecond: 4000,
        ceilingSeconds: 3,
        workers: 2,
        noPin: false,
        profile: false,
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
      case '--workers':
        options.workers = Math.floor(number(1));
        break;
      case '--profile':
        options.profile = true;
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
  return options;
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n${HELP}\n`);
  process.exit(2);
}
