import type { FlowReply } from '../../kit/flow-test-client.js';

export type LoadOutcome = 'ok' | 'error_screen' | 'http_error' | 'connection_error' | 'bad_answer';

export interface LoadRecord {
  /** Which request generator sent it (e.g. "old-key"). */
  client: string;
  startedAt: number;
  endedAt: number;
  outcome: LoadOutcome;
  status?: number;
  /** The decrypted answer (200 and 427). */
  json?: any;
  error?: string;
}

export interface LoadOptions {
  client?: string;
  /** Requests kept in flight at all times. */
  concurrency: number;
  /** Sends one request; `n` counts requests of this load from 0. */
  send: (n: number) => Promise<FlowReply>;
}

export interface Load {
  readonly records: LoadRecord[];
  /** Stops sending; resolves when every request in flight has its answer. */
  stop(): Promise<LoadRecord[]>;
}

/** How WhatsApp's client would see an answer. */
export function classify(reply: FlowReply): Pick<LoadRecord, 'outcome' | 'status' | 'json'> {
  if (reply.status !== 200) return { outcome: 'http_error', status: reply.status, json: reply.json };
  if (!reply.json || typeof reply.json !== 'object') return { outcome: 'bad_answer', status: 200 };
  if (typeof reply.json.data?.error_message === 'string') return { outcome: 'error_screen', status: 200, json: reply.json };
  return { outcome: 'ok', status: 200, json: reply.json };
}

/**
 * Keeps `concurrency` flow requests going until stopped and records every answer: its status,
 * the decrypted body, or the connection error (a reset, a refused connection, an answer that does
 * not decrypt).
 */
export function startLoad(options: LoadOptions): Load {
  const records: LoadRecord[] = [];
  const client = options.client ?? 'load';
  let stopped = false;
  let sent = 0;
  const worker = async () => {
    while (!stopped) {
      const n = sent++;
      const startedAt = Date.now();
      try {
        const reply = await options.send(n);
        records.push({ client, startedAt, endedAt: Date.now(), ...classify(reply) });
      } catch (error) {
        const err = error as Error & { cause?: { code?: string; message?: string } };
        const network = err.name === 'TypeError' && /fetch failed/.test(err.message);
        records.push({
          client,
          startedAt,
          endedAt: Date.now(),
          outcome: network ? 'connection_error' : 'bad_answer',
          error: network ? (err.cause?.code ?? err.cause?.message ?? err.message) : err.message,
        });
      }
    }
  };
  const workers = Array.from({ length: options.concurrency }, worker);
  return {
    records,
    stop: async () => {
      stopped = true;
      await Promise.all(workers);
      return records;
    },
  };
}

/** Counts records by outcome, e.g. `{ ok: 120, error_screen: 8 }`, for readable assertions. */
export function tally(records: LoadRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of records) {
    const key = record.outcome === 'http_error' ? `http_${record.status}` : record.outcome;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
