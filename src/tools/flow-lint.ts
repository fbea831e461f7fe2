// `npm run flow:lint [file…] [--json]`: checks Flow JSON files as WhatsApp would before an upload,
// one line per problem (`file:line:col  message`), ✔ per clean file. Without files: every
// src/flows/*/*.flow.json. Exits 1 when any file has a problem, 2 on bad usage.
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { formatFlowJsonProblem } from '../flow-json/index.js';
import { checkFlowJsonFile } from '../flow-json/files.js';
import { moduleFlowJsons } from './flow-files.js';

function main(): number {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  } catch (error) {
    console.error(`✖ ${(error as Error).message}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log('Usage: npm run flow:lint -- [file.flow.json …] [--json]   (default: src/flows/*/*.flow.json)');
    return 0;
  }
  const files = positionals.length ? positionals : moduleFlowJsons();
  if (files.length === 0) {
    console.error('✖ no Flow JSON files to check (pass file names, or run from the project root)');
    return 2;
  }
  const results = files.map((file) => ({ file: relative(process.cwd(), file) || file, ...checkFlowJsonFile(file) }));
  const failed = results.filter((result) => result.problems.length > 0);
  if (values.json) {
    console.log(JSON.stringify({ ok: failed.length === 0, files: results }, null, 2));
  } else {
    for (const { file, problems } of results) {
      if (problems.length === 0) console.log(`✔ ${file}`);
      else for (const problem of problems) console.log(`✖ ${formatFlowJsonProblem(file, problem)}`);
    }
    const count = failed.reduce((sum, result) => sum + result.problems.length, 0);
    console.log(
      failed.length
        ? `✖ ${count} problem${count === 1 ? '' : 's'} in ${failed.length} of ${results.length} files`
        : `✔ ${results.length} file${results.length === 1 ? '' : 's'} valid`,
    );
  }
  return failed.length ? 1 : 0;
}

process.exitCode = main();
