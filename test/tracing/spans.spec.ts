import { PGlite } from '@electric-sql/pglite';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { PGliteServer } from '../../src/database/pglite-server.js';
import { startTracing } from '../../src/tracing/sdk.js';
import { inChildSpan, inJobSpan, inSpan, KIND, traceCarrier, tracingEnabled } from '../../src/tracing/index.js';

// One file, in order: first as every process runs without an endpoint (no SDK), then with the SDK
// started on an in-memory exporter. The exporter is the SDK's own; nothing here is faked.

describe('span helpers with tracing off: the work runs as it is', () => {
  it('returns what the work returns, sync or async, and throws what it throws, unchanged', async () => {
    expect(tracingEnabled()).toBe(false);
    expect(inSpan('x', undefined, () => 42)).toBe(42);
    await expect(inSpan('x', undefined, async () => 'later')).resolves.toBe('later');
    const failure = new TypeError('boom');
    expect(() =>
      inSpan('x', undefined, () => {
        throw failure;
      }),
    ).toThrow(failure);
    await expect(inChildSpan('x', {}, () => Promise.reject(failure))).rejects.toBe(failure);
    expect(inJobSpan('x', { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }, {}, () => 'job')).toBe('job');
    expect(traceCarrier()).toBeUndefined();
  });
});

describe('span helpers with tracing on (the SDK, an in-memory exporter)', () => {
  const exporter = new InMemorySpanExporter();
  let db: PGlite;
  let server: PGliteServer;
  let pool: pg.Pool;

  beforeAll(async () => {
    startTracing({ protocol: 'http/protobuf', serviceName: 'spans-spec' }, exporter);
    if (process.env.DATABASE_URL) {
      pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
    } else {
      db = await PGlite.create();
      server = new PGliteServer(db);
      await server.listen();
      pool = new pg.Pool({ connectionString: server.url, max: 2 });
    }
  });

  afterAll(async () => {
    await pool?.end();
    await server?.close();
    await db?.close();
  });

  /** The spans ended so far (the batch processor is flushed first), and a fresh start for the next test. */
  const ended = async (): Promise<ReadableSpan[]> => {
    const { flushTraces } = await import('../../src/tracing/spans.js');
    await flushTraces();
    const spans = exporter.getFinishedSpans();
    exporter.reset();
    return spans;
  };
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

  it('nests spans through async work, and records a failure by its type only', async () => {
    await inSpan('outer', { attributes: { 'flowgate.flow.name': 'inventory' } }, async (notes) => {
      notes.set('flowgate.flow.outcome', 'ok');
      await new Promise((resolve) => setTimeout(resolve, 5));
      await inSpan('inner', undefined, async () => {
        await Promise.resolve();
      });
      await inSpan('failing', undefined, () => Promise.reject(new RangeError('the message may quote a phone number'))).catch(() => undefined);
    });
    const spans = await ended();
    const outer = spans.find((span) => span.name === 'outer')!;
    const inner = spans.find((span) => span.name === 'inner')!;
    const failing = spans.find((span) => span.name === 'failing')!;
    expect(outer.attributes).toEqual({ 'flowgate.flow.name': 'inventory', 'flowgate.flow.outcome': 'ok' });
    expect([parentOf(inner), parentOf(failing)]).toEqual([outer.spanContext().spanId, outer.spanContext().spanId]);
    expect(failing.status).toEqual({ code: 2 });
    expect(failing.attributes).toEqual({ 'error.type': 'RangeError' });
    expect(JSON.stringify(failing.events)).not.toContain('phone');
  });

  it('makes no child span without an active one: background work leaves no root spans', async () => {
    await inChildSpan('orphan', {}, async () => undefined);
    await pool.query('SELECT 1');
    expect(await ended()).toEqual([]);
  });

  it('traces every Postgres query under a span, promise or callback, with the statement and never its values', async () => {
    const secret = '351910000000';
    await inSpan('request', undefined, async () => {
      await pool.query('SELECT $1::text AS phone', [secret]);
      await pool.query({ name: 'flowgate_named', text: "SELECT 'PT.1502576394655843' AS id, 42 AS n" });
      await new Promise<void>((resolve, reject) => pool.query('SELECT $1::int + 1 AS n', [1], (error) => (error ? reject(error) : resolve())));
      await pool.query('SELECT * FROM no_such_table').catch(() => undefined);
    });
    const spans = await ended();
    const request = spans.find((span) => span.name === 'request')!;
    const queries = spans.filter((span) => span.attributes['db.system.name'] === 'postgresql');
    expect(queries.map((span) => [span.name, span.kind, parentOf(span) === request.spanContext().spanId])).toEqual([
      ['SELECT', KIND.client, true],
      ['SELECT flowgate_named', KIND.client, true],
      ['SELECT', KIND.client, true],
      ['SELECT', KIND.client, true],
    ]);
    expect(queries.map((span) => span.attributes['db.query.text'])).toEqual([
      'SELECT $1::text AS phone',
      'SELECT ? AS id, ? AS n',
      'SELECT $1::int + ? AS n',
      'SELECT * FROM no_such_table',
    ]);
    expect(queries[3].status.code).toBe(2);
    expect(JSON.stringify(spans.map((span) => span.attributes))).not.toMatch(/351910000000|PT\.1502576394655843/);
  });

  it("carries the trace in a job: the consumer span is the producer's child and links to it", async () => {
    const carrier = inSpan('producer', { kind: KIND.producer }, () => traceCarrier());
    expect(carrier?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    inJobSpan('consumer', carrier, { 'messaging.system': 'bullmq' }, () => undefined);
    const spans = await ended();
    const producer = spans.find((span) => span.name === 'producer')!;
    const consumer = spans.find((span) => span.name === 'consumer')!;
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(parentOf(consumer)).toBe(producer.spanContext().spanId);
    expect(consumer.links.map((link) => link.context.spanId)).toEqual([producer.spanContext().spanId]);
    expect(consumer.kind).toBe(KIND.consumer);
  });
});
