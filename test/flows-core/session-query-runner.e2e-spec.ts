import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterCommit } from '../../src/database/after-commit.js';
import { SessionQueryRunner } from '../../src/flows-core/sessions/session-query-runner.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The transaction of a data request that writes: START TRANSACTION goes out with its first
 * statement and COMMIT with its last, on the app's own pool (Postgres when DATABASE_URL names one,
 * else the embedded database), and TypeORM's view of the transaction stays right.
 */
describe('SessionQueryRunner', () => {
  let test: TestApp;
  let db: DataSource;
  let id = 0;
  const notes = async (row: number): Promise<string[]> =>
    ((await db.query('SELECT note FROM runner_marks WHERE id = $1', [row])) as Array<{ note: string }>).map((r) => r.note);

  beforeAll(async () => {
    test = await startTestApp();
    db = test.app.get(DataSource);
    await db.query('CREATE TABLE runner_marks (id int PRIMARY KEY, note text NOT NULL)');
  });
  afterAll(async () => test?.close());

  it('starts with its first statement and commits with its last: both kept, after-commit steps run once', async () => {
    const row = ++id;
    const runner = SessionQueryRunner.create(db);
    const ran: string[] = [];
    try {
      const first = await runner.startTransactionWith<{ x: string }>({ text: "SELECT 'x' AS x" });
      expect(first.rows).toEqual([{ x: 'x' }]);
      expect(runner.isTransactionActive).toBe(true);
      await runner.manager.query('INSERT INTO runner_marks (id, note) VALUES ($1, $2)', [row, 'handler']);
      await afterCommit(runner.manager, () => ran.push('after commit'));
      expect(ran).toEqual([]);
      const last = await runner.commitTransactionAfter({ text: 'UPDATE runner_marks SET note = note || $2 WHERE id = $1', values: [row, '+saved'] });
      expect(last.rowCount).toBe(1);
      expect(runner.isTransactionActive).toBe(false);
      expect(ran).toEqual(['after commit']);
    } finally {
      await runner.release();
    }
    expect(await notes(row)).toEqual(['handler+saved']);
  });

  it('a last statement that fails turns its COMMIT into a rollback: nothing kept, its error thrown, after-commit steps dropped', async () => {
    const row = ++id;
    await db.query('INSERT INTO runner_marks (id, note) VALUES ($1, $2)', [row + 1000, 'taken']);
    const runner = SessionQueryRunner.create(db);
    const ran: string[] = [];
    try {
      // The first statement runs inside the transaction: the rollback takes its write too.
      await runner.startTransactionWith({ text: 'INSERT INTO runner_marks (id, note) VALUES ($1, $2)', values: [row, 'first'] });
      await runner.manager.query('UPDATE runner_marks SET note = note || $2 WHERE id = $1', [row, '+handler']);
      await afterCommit(runner.manager, () => ran.push('after commit'));
      await expect(
        runner.commitTransactionAfter({ text: 'INSERT INTO runner_marks (id, note) VALUES ($1, $2)', values: [row + 1000, 'again'] }),
      ).rejects.toMatchObject({ code: '23505' });
      expect(runner.isTransactionActive).toBe(false);
      // The connection is usable again, outside any transaction.
      expect((await runner.manager.query('SELECT 1 AS one')) as unknown).toEqual([{ one: 1 }]);
    } finally {
      await runner.release();
    }
    expect(ran).toEqual([]);
    expect(await notes(row)).toEqual([]);
  });

  it('abandoned while its first statement waits (a row another transaction holds): its statement fails at once, the connection is closed', async () => {
    const row = ++id;
    await db.query('INSERT INTO runner_marks (id, note) VALUES ($1, $2)', [row, 'held']);
    const holder = new pg.Client({ connectionString: (db.options as { url: string }).url });
    holder.on('error', () => undefined);
    await holder.connect();
    const runner = SessionQueryRunner.create(db);
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM runner_marks WHERE id = $1 FOR UPDATE', [row]);
      await runner.connect();
      const socket = (runner.client as unknown as { connection: { stream: { destroyed: boolean } } }).connection.stream;
      const waiting = runner.startTransactionWith({ text: 'UPDATE runner_marks SET note = $2 WHERE id = $1', values: [row, 'late'] });
      const settled = waiting.then(
        () => 'ran',
        () => 'failed',
      );
      // Still waiting for the row: nothing has answered it.
      expect(await Promise.race([settled, new Promise((resolve) => setTimeout(() => resolve('waiting'), 300))])).toBe('waiting');
      await runner.abandon(new Error('abandoned after the response budget'));
      // Answered while the other transaction still holds the row: the abandoned work does not wait for it.
      expect(await settled).toBe('failed');
      expect(socket.destroyed).toBe(true);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    expect(await notes(row)).toEqual(['held']);
  });
});
