import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../support/server-process.js';
import { requireTool, runTool } from './support/tools.js';

const DIR = join(PROJECT_ROOT, 'deploy/prometheus');
const RULES = join(DIR, 'flowgate.rules.yml');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface AlertTest {
  alertname: string;
  exp_alerts: unknown[];
}

const rules = (): Rule[] => (parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((group) => group.rules);
const alertTests = (): AlertTest[] =>
  (parse(readFileSync(join(DIR, 'flowgate.rules.test.yml'), 'utf8')) as { tests: Array<{ alert_rule_test?: AlertTest[] }> }).tests.flatMap(
    (test) => test.alert_rule_test ?? [],
  );

describe('Prometheus rules (deploy/prometheus)', () => {
  let promtool: string;
  beforeAll(() => {
    promtool = requireTool('promtool');
  });

  it('promtool check rules: the rule file is valid', async () => {
    const result = await runTool(promtool, ['check', 'rules', RULES]);
    expect(`${result.stdout}${result.stderr}`).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('promtool test rules: every unit test passes', async () => {
    const result = await runTool(promtool, ['test', 'rules', 'flowgate.rules.test.yml'], { cwd: DIR });
    if (result.code !== 0) throw new Error(`promtool test rules failed:\n${result.stdout}${result.stderr}`);
    expect(result.stdout).toContain('SUCCESS');
  });

  it('each alert is tested with a series that fires it and one that does not', () => {
    const tests = alertTests();
    const missing = rules()
      .filter((rule) => rule.alert)
      .flatMap((rule) => {
        const mine = tests.filter((test) => test.alertname === rule.alert);
        const gaps = [];
        if (!mine.some((test) => test.exp_alerts.length > 0)) gaps.push(`${rule.alert}: no test that fires it`);
        if (!mine.some((test) => test.exp_alerts.length === 0)) gaps.push(`${rule.alert}: no test just under it`);
        return gaps;
      });
    expect(missing).toEqual([]);
  });

  it('each alert says how urgent it is and links its runbook entry, which exists', () => {
    const runbook = readFileSync(join(PROJECT_ROOT, 'docs/ops/runbook.md'), 'utf8');
    const anchors = new Set(
      [...runbook.matchAll(/^#+ (.+)$/gm)].map((match) =>
        match[1]
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const rule of rules().filter((r) => r.alert)) {
      expect(['page', 'ticket']).toContain(rule.labels?.severity);
      const link = rule.annotations?.runbook ?? '';
      expect(link).toBe(`docs/ops/runbook.md#${rule.alert!.toLowerCase()}`);
      expect(anchors).toContain(rule.alert!.toLowerCase());
    }
  });

  it('the example Prometheus configuration is valid and loads the rules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowgate-prometheus-'));
    try {
      writeFileSync(join(dir, 'token'), 'metrics-token-0123456789\n');
      const config = readFileSync(join(DIR, 'prometheus.example.yml'), 'utf8').replace(
        '/etc/prometheus/secrets/flowgate-metrics-token',
        join(dir, 'token'),
      );
      writeFileSync(join(dir, 'prometheus.yml'), config);
      copyFileSync(RULES, join(dir, 'flowgate.rules.yml'));
      const result = await runTool(promtool, ['check', 'config', join(dir, 'prometheus.yml')]);
      if (result.code !== 0) throw new Error(`promtool check config failed:\n${result.stdout}${result.stderr}`);
      expect(result.stdout).toContain('SUCCESS: 1 rule files found');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
