import { createHash } from 'node:crypto';
import type { WebhookEventKind } from '../entities/webhook-event.entity.js';

/** One event to store, cut out of a provider's notification. */
export interface IncomingEvent {
  kind: WebhookEventKind;
  dedupeKey: string;
  payload: Record<string, unknown>;
  providerTimestamp?: Date;
  /** The tenant the event belongs to (a tenant webhook URL); absent in the single-tenant configuration. */
  tenant?: string;
}

type Json = Record<string, any>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);

const MAX_KEY_LENGTH = 200;

/**
 * A provider id as a dedupe key. Ids are short and printable; one that is not (too long for the
 * unique index, or holding characters Postgres refuses) is replaced by its digest, still unique.
 */
function dedupeKey(id: string): string {
  if (id.length <= MAX_KEY_LENGTH && !/[\u0000-\u001f\u007f]/.test(id)) return id;
  return `sha256:${createHash('sha256').update(id).digest('hex')}`;
}

/** Unix seconds (as Meta and WASenderApi send them) or an ISO string → Date. */
export function providerTime(value: unknown): Date | undefined {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  let date: Date | undefined;
  if (typeof number === 'number' && Number.isFinite(number)) date = new Date(number < 1e12 ? number * 1000 : number);
  else if (typeof value === 'string') date = new Date(value);
  // Out of Date's range (e.g. a 20-digit "timestamp") is no time at all, not an event that cannot be stored.
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/**
 * Splits a WhatsApp Cloud API notification into events: each message (dedupe: its wamid), each
 * status (wamid + status) and each flows alert (digest of the change: alerts carry no id).
 * Each event keeps its change's `metadata` and `contacts` so it can be processed on its own.
 */
export function splitWhatsAppNotification(body: Json): IncomingEvent[] {
  const events: IncomingEvent[] = [];
  const entries = Array.isArray(body.entry) ? body.entry : [];
  for (const entry of entries.filter(isObject)) {
    const changes = Array.isArray(entry.changes) ? entry.changes : [];
    for (const change of changes.filter(isObject)) {
      const value = isObject(change.value) ? change.value : {};
      if (change.field === 'messages') {
        const context = { metadata: value.metadata, contacts: value.contacts };
        for (const message of (Array.isArray(value.messages) ? value.messages : []).filter(isObject)) {
          if (typeof message.id !== 'string') continue;
          events.push({
            kind: 'message',
            dedupeKey: dedupeKey(message.id),
            payload: { ...context, message },
            providerTimestamp: providerTime(message.timestamp),
          });
        }
        for (const status of (Array.isArray(value.statuses) ? value.statuses : []).filter(isObject)) {
          if (typeof status.id !== 'string' || typeof status.status !== 'string') continue;
          events.push({
            kind: 'status',
            dedupeKey: dedupeKey(`${status.id}:${status.status}`),
            payload: { metadata: value.metadata, status },
            providerTimestamp: providerTime(status.timestamp),
          });
        }
      } else if (change.field === 'flows') {
        events.push({
          kind: 'flows_alert',
          dedupeKey: `alert:${digest({ entry: entry.id, time: entry.time, value })}`,
          payload: { waba_id: entry.id, time: entry.time, alert: value },
          providerTimestamp: providerTime(entry.time),
        });
      }
    }
  }
  return events;
}

/** A WASenderApi webhook: one event, deduplicated on its message id (or a digest of the body). */
export function splitWasenderNotification(body: Json): IncomingEvent[] {
  const data = isObject(body.data) ? body.data : {};
  const messages = isObject(data.messages) ? data.messages : {};
  const key = isObject(messages.key) ? messages.key : {};
  const id = [key.id, data.id, body.id].find((candidate) => typeof candidate === 'string' && candidate.length > 0);
  return [
    {
      kind: 'wasender',
      dedupeKey: id ? dedupeKey(id) : `digest:${digest(body)}`,
      payload: body,
      providerTimestamp: providerTime(body.timestamp ?? messages.messageTimestamp),
    },
  ];
}
