// Checks Flow JSON files as WhatsApp would before an upload, one line per problem (`file:line:col
// message`): ✖ an error, ⚠ a warning (Meta may accept it), ✔ per file without errors. Without files:
// every src/flows/*/*.flow.json. Exits 1 when any file has an error (warnings alone exit 0).
import { relative } from 'node:path';
import { formatFlowJsonProblem } from '../../../flow-json/index.js';
import { checkFlowJsonFile } from '../../../flow-json/files.js';
import { defineCommand } from '../../cli/command.js';
import { UsageError } from '../../cli/errors.js';
import { moduleFlowJsons } from '../../flow-files.js';

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

export default defineCommand({
  positionals: true,
  env: false,
  help: 'Default: every src/flows/*/*.flow.json. Exit 1 on any error, 0 on warnings only.',
  run({ positionals, json }) {
    const files = positionals.length ? positionals : moduleFlowJsons();
    if (files.length === 0) throw new UsageError('no Flow JSON files to check (pass file names, or run from the project root)');
    const results = files.map((file) => ({ file: relative(process.cwd(), file) || file, ...checkFlowJsonFile(file) }));
    const failed = results.filter((result) => result.problems.length > 0);
    const warned = results.reduce((sum, result) => sum + result.warnings.length, 0);
    if (json) {
      console.log(JSON.stringify({ ok: failed.length === 0, files: results }, null, 2));
      return failed.length ? 1 : 0;
    }
    // ✖ errors (what Meta refuses), ⚠ warnings (what Meta may accept: they never fail the lint), in file order.
    for (const { file, problems, warnings } of results) {
      const findings = [...problems, ...warnings].sort((a, b) => a.line - b.line || a.column - b.column);
      for (const finding of findings) console.log(`${finding.severity === 'warning' ? '⚠' : '✖'} ${formatFlowJsonProblem(file, finding)}`);
      if (problems.length === 0) console.log(`✔ ${file}${warnings.length ? ` (${plural(warnings.length, 'warning')})` : ''}`);
    }
    const count = failed.reduce((sum, result) => sum + result.problems.length, 0);
    const also = warned ? `, ${plural(warned, 'warning')}` : '';
    console.log(
      failed.length
        ? `✖ ${plural(count, 'problem')} in ${failed.length} of ${results.length} files${also}`
        : `✔ ${plural(results.length, 'file')} valid${also}`,
    );
    return failed.length ? 1 : 0;
  },
});
