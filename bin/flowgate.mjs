#!/usr/bin/env node
// The `flowgate` command (package.json "bin"): builds dist/ when the sources are newer, then runs the
// command line in dist/src/tools/flowgate.js. Run it from the project root, as the npm scripts are.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync(process.execPath, [join(root, 'scripts/ensure-build.mjs')], { cwd: root, stdio: 'inherit' });
await import(pathToFileURL(join(root, 'dist/src/tools/flowgate.js')).href);
