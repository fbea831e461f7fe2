// `npm run audit:deps`: the production dependencies (what the Docker image ships) against npm's
// advisory database. Exit 0: no high or critical advisory. Exit 1: at least one (listed).
// Exit 3: the advisory database could not be reached, so nothing is known (never reported as clean).
import { spawnSync } from 'node:child_process';

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', timeout: 120_000 });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  console.error(`audit:deps UNKNOWN: npm audit gave no report (exit ${run.status}): ${(run.error?.message ?? run.stderr).slice(0, 500)}`);
  process.exit(3);
}
if (!report.metadata?.vulnerabilities) {
  const reason = report.message ?? report.error?.summary ?? JSON.stringify(report).slice(0, 300);
  console.error(`audit:deps UNKNOWN: the advisory database could not be checked: ${reason}`);
  process.exit(3);
}
const serious = Object.entries(report.vulnerabilities ?? {}).filter(([, entry]) => ['high', 'critical'].includes(entry.severity));
for (const [name, entry] of serious) {
  const via = entry.via.map((item) => (typeof item === 'string' ? `via ${item}` : `${item.title} ${item.url ?? ''}`.trim()));
  console.error(`${name} (${entry.severity}): ${via.join('; ')}; fix: ${JSON.stringify(entry.fixAvailable)}`);
}
const counts = report.metadata.vulnerabilities;
console.log(`audit:deps: ${counts.critical ?? 0} critical, ${counts.high ?? 0} high, ${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low`);
process.exit(serious.length > 0 ? 1 : 0);
