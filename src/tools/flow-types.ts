// `npm run flow:types [file…] [--check] [--json]`: writes, next to each Flow JSON, the TypeScript
// types of its screens (`<name>.flow-types.ts`). With --check, writes nothing and fails when a file
// is missing or stale (CI). Without files: every src/flows/*/*.flow.json.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatFlowJsonProblem } from '../flow-json/index.js';
import { checkFlowJsonFile } from '../flow-json/files.js';
import { moduleFlowJsons } from './flow-files.js';
import { flowJsonImportFrom, generateFlowTypes, typesFileFor } from './flow-types-generator.js';

export interface TypesResult {
  file: string;
  types: string;
  status: 'written' | 'fresh' | 'stale' | 'invalid';
  problems?: string[];
}

/** Generates (or, with `check`, compares) the types file of one Flow JSON. */
export function flowTypesFor(file: string, check: boolean, root = process.cwd()): TypesResult {
  const types = typesFileFor(file);
  const { problems } = checkFlowJsonFile(file);
  if (problems.length) return { file, types, status: 'invalid', problems: problems.map((problem) => formatFlowJsonProblem(file, problem)) };
  const source = generateFlowTypes(file, JSON.parse(readFileSync(file, 'utf8')), flowJsonImportFrom(file, root));
  const current = existsSync(types) ? readFileSync(types, 'utf8') : undefined;
  if (current === source) return { file, types, status: 'fresh' };
  if (check) return { file, types, status: 'stale' };
  writeFileSync(types, source);
  return { file, types, status: 'written' };
}

function main(): number {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { check: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
    });
  } catch (error) {
    console.error(`✖ ${(error as Error).message}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log('Usage: npm run flow:types -- [file.flow.json …] [--check] [--json]   (default: src/flows/*/*.flow.json)');
    return 0;
  }
  const files = positionals.length ? positionals : moduleFlowJsons();
  if (files.length === 0) {
    console.error('✖ no Flow JSON files (pass file names, or run from the project root)');
    return 2;
  }
  const results = files.map((file) => flowTypesFor(file, values.check));
  const failed = results.filter((result) => result.status === 'stale' || result.status === 'invalid');
  if (values.json) {
    console.log(JSON.stringify({ ok: failed.length === 0, files: results }, null, 2));
  } else {
    for (const result of results) {
      if (result.status === 'fresh') console.log(`✔ ${result.types} is up to date`);
      else if (result.status === 'written') console.log(`✔ ${result.types} written from ${result.file}`);
      else if (result.status === 'stale') console.log(`✖ ${result.types} is stale or missing: run npm run flow:types`);
      else for (const problem of result.problems ?? []) console.log(`✖ ${problem}`);
    }
  }
  return failed.length ? 1 : 0;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) process.exitCode = main();
