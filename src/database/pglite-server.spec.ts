import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { EmbeddedDatabase } from './embedded-database.js';
import { PGliteServer } from './pglite-server.js';
import { createInMemory } from './pglite-template.js';

describe('PGliteServer', () => {
  let db: PGlite;
  let server: PGliteServer;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createInMemory();
    server = new PGliteServer(db);
    await server.listen();
    pool = new pg.Pool({ connectionString: server.url, max: 8 });
    await pool.query('CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)');
    await pool.query('INSERT INTO counter VALUES (1, 0)');
  });
  afterAll(async () => {
    await pool.end();
    await server.close();
    await db.close();
  });

  it('parameterized statements from many connections never interleave', async () => {
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => pool.query('SELECT $1::int AS i, $2::text AS s', [i, `v${i}`])));
    results.forEach((result, i) => expect(result.rows[0]).toEqual({ i, s: `v${i}` }));
  });

  it('transactions on different connections are isolated and row locks serialize writers', async () => {
    const increment = async () => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query('SELECT n FROM counter WHERE id = $1 FOR UPDATE', [1]);
        await client.query('UPDATE counter SET n = $1 WHERE id = $2', [rows[0].n + 1, 1]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    };
    await Promise.all(Array.from({ length: 40 }, increment));
    expect((await pool.query('SELECT n FROM counter')).rows[0].n).toBe(40);
  });

  it('a client that disconnects mid-transaction has its work rolled back and frees the database', async () => {
    const client = new pg.Client({ connectionString: (pool as any).options.connectionString });
    client.on('error', () => undefined);
    await client.connect();
    await client.query('BEGIN');
    await client.query('UPDATE counter SET n = -1 WHERE id = 1');
    (client as any).connection.stream.destroy();
    const { rows } = await pool.query('SELECT n FROM counter');
    expect(rows[0].n).toBe(40);
  });
});

describe('PGliteServer notifications', () => {
  it('delivers NOTIFY to the connection that LISTENs, not to the one that notified', async () => {
    const db = await createInMemory();
    const server = new PGliteServer(db);
    await server.listen();
    const url = server.url;
    const listener = new pg.Client({ connectionString: url });
    const notifier = new pg.Client({ connectionString: url });
    await listener.connect();
    await notifier.connect();
    try {
      const received = new Promise<pg.Notification>((resolve) => listener.on('notification', resolve));
      const stray: pg.Notification[] = [];
      notifier.on('notification', (n) => stray.push(n));
      await listener.query('LISTEN jobs_ready');
      await notifier.query(`SELECT pg_notify('jobs_ready', 'job-1')`);
      const notification = await received;
      expect(notification).toMatchObject({ channel: 'jobs_ready', payload: 'job-1' });
      expect(stray).toEqual([]);
      expect((await notifier.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await listener.end();
      await notifier.end();
      await server.close();
      await db.close();
    }
  });
});

describe('PGliteServer login', () => {
  let db: PGlite;
  let server: PGliteServer;

  beforeAll(async () => {
    db = await createInMemory();
    server = new PGliteServer(db);
    await server.listen();
  });
  afterAll(async () => {
    await server.close();
    await db.close();
  });

  const connectWith = async (password: string | undefined) => {
    const url = new URL(server.url);
    url.password = password ?? '';
    const client = new pg.Client({ connectionString: url.toString() });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.query('SELECT 1 AS one')).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  it('lets in a client with the password (SCRAM-SHA-256: the password never crosses the socket)', async () => {
    expect(await connectWith(server.password)).toEqual([{ one: 1 }]);
  });

  it('refuses another local client: a wrong password, or none', async () => {
    await expect(connectWith('postgres')).rejects.toMatchObject({ code: '28P01' });
    await expect(connectWith(`${server.password.slice(0, -1)}x`)).rejects.toMatchObject({ code: '28P01' });
    await expect(connectWith(undefined)).rejects.toThrow(/password/);
  });

  it('runs nothing a client sends before it logged in', async () => {
    const startup = Buffer.from('\0\0\0\0\0\x03\0\0user\0postgres\0database\0postgres\0\0', 'binary');
    startup.writeInt32BE(startup.length, 0);
    const sql = 'CREATE TABLE intruder (id int)\0';
    const query = Buffer.alloc(5 + Buffer.byteLength(sql));
    query.write('Q', 0);
    query.writeInt32BE(4 + Buffer.byteLength(sql), 1);
    query.write(sql, 5);
    const answer = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('connect', () => socket.write(Buffer.concat([startup, query])));
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('close', () => resolve(Buffer.concat(chunks)));
      socket.on('error', reject);
    });
    // The SASL challenge, then a FATAL 28P01 and the connection closed.
    expect(answer[0]).toBe('R'.charCodeAt(0));
    expect(answer.toString('latin1')).toContain('C28P01');
    expect((await db.query(`SELECT to_regclass('intruder') AS t`)).rows).toEqual([{ t: null }]);
  });
});

describe('EmbeddedDatabase', () => {
  it('hands the application a URL with a password generated at start; without it the port refuses', async () => {
    const embedded = new EmbeddedDatabase();
    const url = await embedded.start('memory');
    try {
      const parsed = new URL(url);
      expect(parsed.hostname).toBe('127.0.0.1');
      expect(parsed.password).toMatch(/^[0-9a-f]{48}$/);
      const own = new pg.Client({ connectionString: url });
      await own.connect();
      expect((await own.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await own.end();
      parsed.password = '';
      const other = new pg.Client({ connectionString: parsed.toString() });
      other.on('error', () => undefined);
      await expect(other.connect()).rejects.toThrow(/password/);
    } finally {
      await embedded.stop();
    }
  });
});

describe('PGliteServer limits', () => {
  const start = async (limits: { idleInTransactionTimeoutMs: number; statementTimeoutMs: number }) => {
    const db = await createInMemory();
    const server = new PGliteServer(db, { limits });
    await server.listen();
    const { url } = server;
    const clients: pg.Client[] = [];
    const connect = async () => {
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => undefined);
      clients.push(client);
      await client.connect();
      return client;
    };
    const stop = async () => {
      await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
      await server.close();
      await db.close();
    };
    return { connect, stop };
  };

  it('drops a client that holds the database idle inside a transaction, rolling it back; the others go on', async () => {
    const { connect, stop } = await start({ idleInTransactionTimeoutMs: 300, statementTimeoutMs: 10_000 });
    try {
      const setup = await connect();
      await setup.query('CREATE TABLE t (n int)');
      await setup.query('INSERT INTO t VALUES (1)');
      const idle = await connect();
      await idle.query('BEGIN');
      await idle.query('UPDATE t SET n = 2');
      // Waits for the idle client until it is dropped, then sees the row as it was.
      expect((await setup.query('SELECT n FROM t')).rows).toEqual([{ n: 1 }]);
      await expect(idle.query('SELECT 1')).rejects.toThrow();
    } finally {
      await stop();
    }
  });

  it('a statement that runs longer than the idle limit is not idle', async () => {
    const { connect, stop } = await start({ idleInTransactionTimeoutMs: 200, statementTimeoutMs: 10_000 });
    try {
      const client = await connect();
      await client.query('BEGIN');
      await client.query('SELECT pg_sleep(0.5)');
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await client.query('COMMIT');
    } finally {
      await stop();
    }
  });

  it('refuses a connection that waited past the statement limit for its turn; the holder is not affected', async () => {
    const { connect, stop } = await start({ idleInTransactionTimeoutMs: 10_000, statementTimeoutMs: 300 });
    try {
      const holder = await connect();
      const waiter = await connect();
      await holder.query('BEGIN');
      await expect(waiter.query('SELECT 1')).rejects.toThrow();
      await holder.query('COMMIT');
      const next = await connect();
      expect((await next.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await stop();
    }
  });
});
