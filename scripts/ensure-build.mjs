// Builds dist/ only when it is missing or older than the sources, so `npm start` and `npm test`
// stay fast on repeated runs. Never installs packages.
//   --always          build even when dist/ is fresh (`npm run build`)
//   --requires NAME   stop before building when the variable NAME is not set (nor in .env)
// One build at a time: commands started together (npm test and flow:preview) would otherwise run two
// builds into one dist/. The one that builds holds .build.lock (its pid); the others wait for it, then
// find dist/ fresh. A lock whose process is gone is taken over.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { acquireLock } from './lock-file.mjs';

const STAMP = 'dist/.build-stamp';
const LOCK = '.build.lock';
const INPUTS = ['src', 'migrations', 'preview', 'scripts/build-preview.mjs', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'package.json'];

const args = process.argv.slice(2);
const always = args.includes('--always');
const required = args.flatMap((arg, i) => (arg === '--requires' && args[i + 1] ? [args[i + 1]] : []));

// A command that cannot run without a setting says so before a build that can take a minute.
const dotEnv = process.env.NODE_ENV !== 'test' && existsSync('.env') ? parseEnv(readFileSync('.env', 'utf8')) : {};
const missing = required.filter((name) => !process.env[name] && !dotEnv[name]);
if (missing.length) {
  process.stderr.write(`✖ ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set (in the environment or .env): this command needs it.\n`);
  process.exit(1);
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), stat.mtimeMs);
}

const stale = () => always || newestMtime(STAMP) < Math.max(...INPUTS.map(newestMtime));

if (stale()) {
  try {
    const release = await acquireLock(LOCK, {
      onWait: (holder) => process.stderr.write(`Waiting for the build in process ${holder} (${LOCK}) ...\n`),
    });
    try {
      // The build that held the lock may have just made dist/ fresh.
      if (!release.waited || always || stale()) build();
    } finally {
      release();
    }
  } catch (error) {
    // A failed build has printed its errors; anything else is one line.
    if (typeof error.status !== 'number') process.stderr.write(`✖ ${error.message}\n`);
    process.exit(typeof error.status === 'number' && error.status > 0 ? error.status : 1);
  }
}

function build() {
  process.stderr.write('Building dist/ ...\n');
  // Sources saved while the build runs are newer than the stamp, so the next command builds again.
  const started = new Date();
  execFileSync(process.execPath, ['node_modules/@nestjs/cli/bin/nest.js', 'build'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/build-preview.mjs'], { stdio: 'inherit' });
  writeFileSync(STAMP, started.toISOString());
  utimesSync(STAMP, started, started);
}
