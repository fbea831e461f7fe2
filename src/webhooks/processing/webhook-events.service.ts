import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { WebhookEvent } from '../entities/webhook-event.entity.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { isNfmReply, NfmReplyHandler } from './nfm-reply.handler.js';
import { recipientOf } from './sender.js';
import { redactPhoneNumbers } from '../../logging/redact-phone-numbers.js';
import { redactUserIds } from '../../logging/redact-user-ids.js';
import { toJsonb } from '../../database/jsonb.js';
import { recordFlowAlert } from '../flow-alerts/flow-alert-state.js';

type Json = Record<string, any>;

/** The columns processing reads, as the query returns them (aliased to the entity's names). */
type StoredEvent = Pick<WebhookEvent, 'id' | 'source' | 'kind' | 'tenant' | 'payload' | 'status' | 'receivedAt' | 'providerTimestamp'>;
const STORED_EVENT_COLUMNS = 'id, source, kind, tenant, payload, status, received_at AS "receivedAt", provider_timestamp AS "providerTimestamp"';

const ALERT_ERRORS = new Set(['ENDPOINT_ERROR_RATE', 'ENDPOINT_LATENCY', 'ENDPOINT_AVAILABILITY', 'CLIENT_ERROR_RATE']);

/**
 * Processes one stored event, exactly once in effect: the event row is locked and its status checked
 * in the same transaction that applies the effects and marks it processed.
 */
@Injectable()
export class WebhookEvents {
  private readonly logger = new Logger(WebhookEvents.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly nfmReplies: NfmReplyHandler,
    private readonly metrics: Metrics,
  ) {}

  /** Returns false when there was nothing to do (unknown, already processed or dead-lettered). */
  async process(eventId: string): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const [event]: Array<StoredEvent | undefined> = await manager.query(
        `SELECT ${STORED_EVENT_COLUMNS} FROM webhook_events WHERE id = $1 FOR UPDATE`,
        [eventId],
      );
      if (!event || event.status !== 'received') return false;
      await this.apply(event, manager);
      await manager.query(
        `UPDATE webhook_events SET status = 'processed', processed_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1`,
        [eventId],
      );
      this.metrics.webhookEvents.inc({ source: event.source, kind: event.kind, stage: 'processed' });
      this.metrics.webhookProcessing.observe({ kind: event.kind }, (Date.now() - event.receivedAt.getTime()) / 1000);
      return true;
    });
  }

  /** Records a failed attempt; the last one (or a permanent failure) dead-letters the event. */
  async recordFailure(eventId: string, error: string, final: boolean): Promise<void> {
    const [rows]: [Array<{ source: string; kind: string }>, number] = await this.db.query(
      `UPDATE webhook_events SET attempts = attempts + 1, last_error = $2, status = CASE WHEN $3 THEN 'failed' ELSE status END
        WHERE id = $1 AND status = 'received' RETURNING source, kind`,
      [eventId, error.slice(0, 2_000), final],
    );
    for (const { source, kind } of rows) this.metrics.webhookEvents.inc({ source, kind, stage: final ? 'dead_lettered' : 'retried' });
    if (final) this.logger.error(`Webhook event ${eventId} failed for good (dead letter): ${error}`);
  }

  private async apply(event: StoredEvent, manager: EntityManager): Promise<void> {
    const payload = event.payload as Json;
    switch (event.kind) {
      case 'message':
        if (isNfmReply(payload.message)) await this.nfmReplies.handle(payload.message, manager, payload.contacts, event.tenant);
        return;
      case 'status': {
        const status = payload.status as Json;
        // A message sent to a BSUID has no recipient_id (phone number); its statuses name the BSUID.
        await manager.query(
          `INSERT INTO message_statuses (message_id, status, recipient, recipient_user_id, occurred_at, errors)
           VALUES ($1, $2, $3, $4, to_timestamp($5), $6) ON CONFLICT (message_id, status) DO NOTHING`,
          [
            status.id,
            status.status,
            typeof status.recipient_id === 'string' ? status.recipient_id : null,
            recipientOf(status).userId ?? null,
            Number(status.timestamp) || null,
            status.errors ? toJsonb(status.errors) : null,
          ],
        );
        if (status.status === 'failed') {
          const codes = (Array.isArray(status.errors) ? status.errors : []).map((e: Json) => `${e.code} ${e.title ?? ''}`.trim());
          // Meta's error titles and details can quote the recipient: masked like any text from outside.
          const details = redactPhoneNumbers(redactUserIds(codes.join(', ')));
          this.logger.warn(`Message ${status.id} failed to deliver: ${details || 'no error details'}`);
        }
        return;
      }
      case 'flows_alert': {
        const alert = (payload.alert ?? {}) as Json;
        const text =
          `WhatsApp Flows alert ${alert.event ?? 'unknown'} ${alert.alert_state ?? ''} for flow ${alert.flow_id ?? '?'}: ${alert.message ?? ''}`.trim();
        if (ALERT_ERRORS.has(alert.event) && alert.alert_state !== 'DEACTIVATED') this.logger.error(text);
        else this.logger.warn(text);
        // Kept as state (flowgate_meta_flow_alert, flowgate_meta_flow_status), in this transaction.
        await recordFlowAlert(manager, alert, event.providerTimestamp ?? event.receivedAt);
        return;
      }
      case 'wasender': {
        const lag = event.providerTimestamp ? event.receivedAt.getTime() - event.providerTimestamp.getTime() : undefined;
        this.logger.log(`WASenderApi event ${String(payload.event ?? 'unknown')}${lag !== undefined ? ` (forwarding lag ${lag} ms)` : ''}`);
        return;
      }
    }
  }
}
