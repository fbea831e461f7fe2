import { spawnSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import { PROJECT_ROOT } from '../support/server-process.js';

interface AuditReport {
  metadata?: { vulnerabilities?: Record<string, number> };
  vulnerabilities?: Record<string, { severity: string; via: Array<string | { title?: string; url?: string }>; fixAvailable?: unknown }>;
  message?: string;
  error?: { summary?: string };
}

/**
 * The production dependencies, as the Docker image ships them, against npm's advisory database.
 * An audit that cannot reach the database fails here: an unknown answer is not a clean one.
 */
describe('production dependencies', () => {
  it('npm audit --omit=dev reports no high or critical advisory', () => {
    const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 120_000 });
    let report: AuditReport;
    try {
      report = JSON.parse(run.stdout) as AuditReport;
    } catch {
      throw new Error(`npm audit gave no report (exit ${run.status}): ${(run.error?.message ?? run.stderr).slice(0, 500)}`);
    }
    if (!report.metadata?.vulnerabilities) {
      const reason = report.message ?? report.error?.summary ?? JSON.stringify(report).slice(0, 300);
      throw new Error(`npm audit could not check the advisory database, so nothing is known about the dependencies: ${reason}`);
    }
    const serious = Object.entries(report.vulnerabilities ?? {})
      .filter(([, entry]) => entry.severity === 'high' || entry.severity === 'critical')
      .map(([name, entry]) => {
        const titles = entry.via.map((via) => (typeof via === 'string' ? `via ${via}` : `${via.title} ${via.url ?? ''}`.trim()));
        return `${name} (${entry.severity}): ${titles.join('; ')}; fix: ${JSON.stringify(entry.fixAvailable)}`;
      });
    expect(serious).toEqual([]);
  });
});
