import type { DataSource, EntityManager } from 'typeorm';

type Json = Record<string, unknown>;

/** The statuses Meta gives a flow; `flowgate_meta_flow_status` has a series for each (1 for the current one). */
export const FLOW_STATUSES = ['DRAFT', 'PUBLISHED', 'THROTTLED', 'BLOCKED', 'DEPRECATED'] as const;
export const VERSION_EXPIRY_WARNING = 'FLOW_VERSION_EXPIRY_WARNING';
export const STATUS_CHANGE = 'FLOW_STATUS_CHANGE';
/** Meta warns this long before a Flow JSON version freezes: the warning stands that long, or until the flow is published again. */
export const VERSION_WARNING_DAYS = 21;

// What becomes a label is checked: Meta's ids and upper-case names, nothing else from the payload.
const FLOW_ID = /^\d{1,30}$/;
const NAME = /^[A-Z_]{1,64}$/;

export interface StoredFlowAlert {
  flowId: string;
  event: string;
  threshold: number;
  active: boolean;
  status: string | null;
  occurredAt: Date;
}

const UPSERT = `
  INSERT INTO meta_flow_alerts (flow_id, event, threshold, active, status, occurred_at)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (flow_id, event, threshold) DO UPDATE
    SET active = EXCLUDED.active, status = EXCLUDED.status, occurred_at = EXCLUDED.occurred_at, updated_at = now()
    WHERE meta_flow_alerts.occurred_at <= EXCLUDED.occurred_at`;

/**
 * Keeps the newest state of a `flows` webhook notification (Meta's deliveries arrive in any order:
 * an older one never overwrites a newer one). Alerts fire per threshold (5 %, 10 %, 50 % ...); a
 * recovery below one threshold is a recovery below every higher one too.
 */
export async function recordFlowAlert(manager: EntityManager, alert: Json, occurredAt: Date): Promise<void> {
  const flowId = typeof alert.flow_id === 'number' ? String(alert.flow_id) : alert.flow_id;
  const event = alert.event;
  if (typeof flowId !== 'string' || !FLOW_ID.test(flowId) || typeof event !== 'string' || !NAME.test(event)) return;
  const threshold = typeof alert.threshold === 'number' && Number.isFinite(alert.threshold) ? alert.threshold : 0;
  const active = alert.alert_state !== 'DEACTIVATED';
  const status = event === STATUS_CHANGE && typeof alert.new_status === 'string' && NAME.test(alert.new_status) ? alert.new_status : null;
  await manager.query(UPSERT, [flowId, event, threshold, active, status, occurredAt]);
  if (!active) {
    await manager.query(
      `UPDATE meta_flow_alerts SET active = false, updated_at = now() WHERE flow_id = $1 AND event = $2 AND threshold > $3 AND occurred_at <= $4`,
      [flowId, event, threshold, occurredAt],
    );
  }
  // A status change may carry the version freeze warning as well (Meta's own example does).
  if (event === STATUS_CHANGE && typeof alert.warning === 'string' && alert.warning) {
    await manager.query(UPSERT, [flowId, VERSION_EXPIRY_WARNING, 0, true, null, occurredAt]);
  }
}

export async function readFlowAlerts(db: DataSource): Promise<StoredFlowAlert[]> {
  return db.query(
    `SELECT flow_id AS "flowId", event, threshold, active, status, occurred_at AS "occurredAt" FROM meta_flow_alerts ORDER BY flow_id, event, threshold`,
  );
}

export interface FlowHealth {
  /** Per flow and event (not FLOW_STATUS_CHANGE): active or not, and the highest threshold active. */
  alerts: Array<{ flowId: string; event: string; active: boolean; threshold: number }>;
  /** Per flow: its current status. */
  statuses: Array<{ flowId: string; status: string }>;
}

/**
 * What the stored rows say now. An alert is active while any of its thresholds is; a version expiry
 * warning stands for VERSION_WARNING_DAYS, or until a later status change to PUBLISHED (the flow
 * was migrated and published again).
 */
export function flowHealth(rows: StoredFlowAlert[], now = new Date()): FlowHealth {
  const statusRows = new Map<string, StoredFlowAlert>();
  for (const row of rows) if (row.event === STATUS_CHANGE && row.status) statusRows.set(row.flowId, row);
  const alerts = new Map<string, FlowHealth['alerts'][number]>();
  for (const row of rows) {
    if (row.event === STATUS_CHANGE) continue;
    let active = row.active;
    if (row.event === VERSION_EXPIRY_WARNING) {
      const republished = statusRows.get(row.flowId);
      const fresh = now.getTime() - new Date(row.occurredAt).getTime() < VERSION_WARNING_DAYS * 86_400_000;
      active &&= fresh && !(republished?.status === 'PUBLISHED' && new Date(republished.occurredAt) > new Date(row.occurredAt));
    }
    const key = `${row.flowId}\0${row.event}`;
    const entry = alerts.get(key) ?? { flowId: row.flowId, event: row.event, active: false, threshold: 0 };
    if (active) {
      entry.active = true;
      entry.threshold = Math.max(entry.threshold, Number(row.threshold));
    }
    alerts.set(key, entry);
  }
  return {
    alerts: [...alerts.values()],
    statuses: [...statusRows.values()].map((row) => ({ flowId: row.flowId, status: row.status! })),
  };
}
