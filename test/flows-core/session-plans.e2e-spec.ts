import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { ANSWER, EXPIRE, INSPECT, LOCK, SAVE, SCREEN_DATA } from '../../src/flows-core/sessions/session-statements.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The session statements run as prepared statements, whose plan Postgres may make once for every
 * later call (a generic plan). Made while the tables are empty or unanalysed (a new deployment, or
 * autovacuum off), a plan that found the session through the (flow, status) index walked every
 * session of the flow on each request: 16,000 index entries per lookup after a minute of load. Each
 * statement must find its session by its token (the primary key) whatever the statistics say.
 */
describe('session statements find their session by its token', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(async () => test?.close());

  /** The generic plan of `text` on a fresh schema (nothing analysed), as EXPLAIN prints it. */
  async function genericPlan(text: string, parameters: number): Promise<string> {
    const runner = test.app.get(DataSource).createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SET plan_cache_mode = force_generic_plan');
      await runner.query(`PREPARE probe AS ${text}`);
      const values = Array.from({ length: parameters }, () => 'NULL').join(', ');
      const rows = (await runner.query(`EXPLAIN EXECUTE probe(${values})`)) as { 'QUERY PLAN': string }[];
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    } finally {
      await runner.query('DEALLOCATE ALL').catch(() => undefined);
      await runner.query('RESET plan_cache_mode').catch(() => undefined);
      await runner.release();
    }
  }

  it.each([
    ['ANSWER any', ANSWER.any.text, 10],
    ['ANSWER issued', ANSWER.issued.text, 10],
    ['LOCK any', LOCK.any.text, 6],
    ['LOCK issued', LOCK.issued.text, 6],
    ['SAVE', SAVE.text, 8],
    ['INSPECT', INSPECT.text, 3],
    ['EXPIRE', EXPIRE.text, 1],
    ['SCREEN_DATA', SCREEN_DATA.text, 2],
  ])('%s', async (_name, text, parameters) => {
    const plan = await genericPlan(text, parameters);
    expect(plan).toContain('flow_sessions_pkey');
    expect(plan).not.toContain('IDX_flow_sessions_flow_status');
    expect(plan).not.toMatch(/Seq Scan on flow_sessions/);
  });
});
