// Builds dist/ only when it is missing or older than the sources, so `npm start` and `npm test`
// stay fast on repeated runs. Never installs packages.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = 'dist/.build-stamp';
const INPUTS = ['src', 'migrations', 'preview', 'scripts/build-preview.mjs', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'package.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), stat.mtimeMs);
}

const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
const sources = Math.max(...INPUTS.map(newestMtime));
if (sources > built) {
  process.stderr.write('Building dist/ ...\n');
  execFileSync(process.execPath, ['node_modules/@nestjs/cli/bin/nest.js', 'build'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/build-preview.mjs'], { stdio: 'inherit' });
  writeFileSync(STAMP, new Date().toISOString());
}
