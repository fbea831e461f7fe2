import { DataSource } from 'typeorm';
import { databaseConfig } from '../../database/database.config.js';
import { typeOrmOptions } from '../../database/typeorm-options.js';
import { FlowSessions } from '../../flows-core/index.js';
import { FlowSessionEntity, flowsConfig } from '../../flows-core/server.js';
import { WebhookEvent } from '../../webhooks/entities/webhook-event.entity.js';

export type CliDatabase = { ok: true; db: DataSource; close: () => Promise<void> } | { ok: false; reason: string };

/**
 * The server's Postgres, for the few commands that read or write what the server keeps (issued flow
 * tokens, stored webhook alerts). Only with DATABASE_URL: the embedded database belongs to the
 * running server process and is not opened by another one.
 */
export async function openCliDatabase(): Promise<CliDatabase> {
  const { url } = databaseConfig();
  if (!url) return { ok: false, reason: 'DATABASE_URL is not set (the embedded database is only opened by the running server)' };
  // Quiet: the command's output is its lines (or one JSON document), not the server's log lines.
  const db = new DataSource({
    ...typeOrmOptions(url, 1),
    entities: [FlowSessionEntity, WebhookEvent],
    logging: false,
    logger: 'simple-console',
    maxQueryExecutionTime: undefined,
  });
  try {
    await db.initialize();
  } catch (error) {
    const cause = (error as { code?: string }).code ?? (error as Error).message;
    return { ok: false, reason: `the database at DATABASE_URL is unreachable (${cause})` };
  }
  return { ok: true, db, close: () => db.destroy() };
}

/** Issues a flow token exactly as the admin API does (POST /admin/flows/<flow>/sessions). */
export async function issueToken(db: DataSource, flow: string, phone?: string) {
  const sessions = new FlowSessions(db.getRepository(FlowSessionEntity), db, flowsConfig(), databaseConfig());
  return sessions.issue(flow, { phone });
}

export interface StoredAlert {
  receivedAt: Date;
  alert: Record<string, unknown>;
}

/** The flows alerts (FLOW_STATUS_CHANGE, ENDPOINT_*) the webhook worker stored for a flow, newest first. */
export async function alertsOf(db: DataSource, flowId: string, limit = 10): Promise<StoredAlert[]> {
  const rows: Array<{ receivedAt: Date; alert: Record<string, unknown> }> = await db.query(
    `SELECT received_at AS "receivedAt", payload->'alert' AS alert FROM webhook_events
      WHERE kind = 'flows_alert' AND payload->'alert'->>'flow_id' = $1 ORDER BY received_at DESC LIMIT $2`,
    [flowId, limit],
  );
  return rows;
}
