// Writes, next to each Flow JSON, the TypeScript types of its screens (`<name>.flow-types.ts`). With
// --check, writes nothing and fails when a file is missing or stale (CI).
import { defineCommand } from '../../cli/command.js';
import { UsageError } from '../../cli/errors.js';
import { moduleFlowJsons } from '../../flow-files.js';
import { flowTypesFor } from '../../flow-types-generator.js';

export default defineCommand({
  options: { check: { type: 'boolean', default: false } },
  positionals: true,
  env: false,
  help: 'Default: every src/flows/*/*.flow.json. --check writes nothing and fails when a types file is stale or missing.',
  run({ values, positionals, json }) {
    const files = positionals.length ? positionals : moduleFlowJsons();
    if (files.length === 0) throw new UsageError('no Flow JSON files (pass file names, or run from the project root)');
    const results = files.map((file) => flowTypesFor(file, Boolean(values.check)));
    const failed = results.filter((result) => result.status === 'stale' || result.status === 'invalid');
    if (json) {
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
  },
});
