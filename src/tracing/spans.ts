import type { Attributes, AttributeValue, Context, Link, Span, SpanKind, Tracer } from '@opentelemetry/api';

/**
 * What the span helpers need from a started SDK. Nothing here is loaded unless tracing is
 * configured: the SDK module installs it, and until then every helper runs its work directly (the
 * whole cost of tracing switched off is one `undefined` check). Only types come from the API here.
 */
export interface TraceBackend {
  tracer: Tracer;
  /** The active context. */
  active(): Context;
  /** Runs `work` with `span` active (its children's parent). */
  withSpan<T>(span: Span, work: () => T): T;
  /** W3C trace context of the active span, to carry where async context does not reach (a queued job). */
  inject(): Record<string, string>;
  /** The context a carrier (incoming headers, a job's data) names, or the root context. */
  extract(carrier: Record<string, unknown>): Context;
  /** Whether a span is active and recording: client spans (database, cache) exist only under one. */
  recording(): boolean;
  /** The span context a carrier names, for a link; undefined when it names none. */
  linkTo(carrier: Record<string, unknown>): Link | undefined;
  flush(): Promise<void>;
}

let backend: TraceBackend | undefined;

/** Called once by the SDK module when tracing starts. */
export function installTraceBackend(started: TraceBackend): void {
  backend = started;
}

export function traceBackend(): TraceBackend | undefined {
  return backend;
}

/** The span kinds of the API, as numbers: the enum is a runtime value this module does not load. */
export const KIND = { internal: 0, server: 1, client: 2, producer: 3, consumer: 4 } as const satisfies Record<string, SpanKind>;

/** What work inside a span may record; a no-op when tracing is off. */
export interface SpanNotes {
  set(key: string, value: AttributeValue | undefined): void;
}

const NO_NOTES: SpanNotes = { set: () => undefined };

const notesOf = (span: Span): SpanNotes => ({
  set: (key, value) => {
    if (value !== undefined) span.setAttribute(key, value);
  },
});

function failed(span: Span, error: unknown): void {
  span.setAttribute('error.type', (error as Error)?.constructor?.name ?? 'Error');
  span.setStatus({ code: 2 }); // ERROR; the message is left out: it may quote what the client sent
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  /** The parent, when not the active span (a queued job's producer). */
  parent?: Context;
}

/**
 * Runs `work` inside a span named `name` (the active span's child), ending it when `work` returns
 * or settles; a throw or rejection marks it failed (its type only) and passes through unchanged.
 */
export function inSpan<T>(name: string, options: SpanOptions | undefined, work: (notes: SpanNotes) => T): T {
  if (!backend) return work(NO_NOTES);
  const started = backend;
  const span = started.tracer.startSpan(
    name,
    { kind: options?.kind, attributes: options?.attributes, links: options?.links },
    options?.parent ?? started.active(),
  );
  const notes = notesOf(span);
  return started.withSpan(span, () => {
    let result: T;
    try {
      result = work(notes);
    } catch (error) {
      failed(span, error);
      span.end();
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => {
          span.end();
          return value;
        },
        (error: unknown) => {
          failed(span, error);
          span.end();
          throw error;
        },
      ) as T;
    }
    span.end();
    return result;
  });
}

/**
 * The active span's W3C trace context, to carry in a queued job's data; undefined when tracing is
 * off or no span is active (the job then carries nothing).
 */
export function traceCarrier(): Record<string, string> | undefined {
  if (!backend?.recording()) return undefined;
  const carrier = backend.inject();
  return Object.keys(carrier).length > 0 ? carrier : undefined;
}

/**
 * Runs a queued job's work in a consumer span: the child of the span that queued it (its trace
 * context carried in the job's data) and linked to it, so the two legs read as one trace.
 */
export function inJobSpan<T>(name: string, carrier: Record<string, unknown> | undefined, attributes: Attributes, work: (notes: SpanNotes) => T): T {
  if (!backend) return work(NO_NOTES);
  const link = carrier && backend.linkTo(carrier);
  return inSpan(
    name,
    { kind: KIND.consumer, attributes, links: link ? [link] : undefined, parent: carrier ? backend.extract(carrier) : undefined },
    work,
  );
}

/** Longest wait for the collector at shutdown: an unreachable one must not hold the process past its grace period. */
const FLUSH_TIMEOUT_MS = 3_000;

/** Exports the spans still buffered (at shutdown), waiting at most FLUSH_TIMEOUT_MS; export failures are the SDK's to drop. */
export async function flushTraces(): Promise<void> {
  if (!backend) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, FLUSH_TIMEOUT_MS).unref()));
  await Promise.race([backend.flush().catch(() => undefined), late]).finally(() => clearTimeout(timer));
}

/**
 * `inSpan` for the work a request leads to (a query, a cache call): a span only under an active
 * one, so background work (queue polling, pool upkeep) makes no root spans of its own.
 */
export function inChildSpan<T>(name: string, options: SpanOptions, work: (notes: SpanNotes) => T): T {
  if (!backend?.recording()) return work(NO_NOTES);
  return inSpan(name, options, work);
}

/** A span started by hand, for work that ends in a callback. */
export interface OpenSpan {
  notes: SpanNotes;
  /** Ends the span; an error marks it failed (its type only). */
  end(error?: unknown): void;
}

/** A child span of the active one, ended by the caller; undefined when tracing is off or no span is active. */
export function openChildSpan(name: string, options: SpanOptions): OpenSpan | undefined {
  if (!backend?.recording()) return undefined;
  const span = backend.tracer.startSpan(name, { kind: options.kind, attributes: options.attributes }, backend.active());
  return {
    notes: notesOf(span),
    end: (error) => {
      if (error) failed(span, error);
      span.end();
    },
  };
}

/** Whether spans are recorded in this process. */
export function tracingEnabled(): boolean {
  return backend !== undefined;
}
