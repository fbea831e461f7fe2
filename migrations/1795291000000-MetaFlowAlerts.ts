import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The state of Meta's alerts and each flow's status, kept from the `flows` webhooks: one row per
 * flow, event and threshold, the newest by Meta's time. Filled from the alerts already stored.
 */
export class MetaFlowAlerts1795291000000 implements MigrationInterface {
  name = 'MetaFlowAlerts1795291000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "meta_flow_alerts" (
        "flow_id" text NOT NULL,
        "event" text NOT NULL,
        "threshold" double precision NOT NULL DEFAULT 0,
        "active" boolean NOT NULL,
        "status" text,
        "occurred_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("flow_id", "event", "threshold")
      )`);
    // What was stored before this table existed: the newest of each flow, event and threshold.
    await queryRunner.query(`
      INSERT INTO "meta_flow_alerts" ("flow_id", "event", "threshold", "active", "status", "occurred_at")
      SELECT DISTINCT ON (flow_id, event, threshold) flow_id, event, threshold, active, status, occurred_at
        FROM (
          SELECT payload->'alert'->>'flow_id' AS flow_id,
                 payload->'alert'->>'event' AS event,
                 CASE WHEN jsonb_typeof(payload->'alert'->'threshold') = 'number' THEN (payload->'alert'->>'threshold')::double precision ELSE 0 END AS threshold,
                 COALESCE(payload->'alert'->>'alert_state', '') <> 'DEACTIVATED' AS active,
                 CASE WHEN payload->'alert'->>'event' = 'FLOW_STATUS_CHANGE' THEN payload->'alert'->>'new_status' END AS status,
                 COALESCE(provider_timestamp, received_at) AS occurred_at,
                 received_at
            FROM "webhook_events"
           WHERE kind = 'flows_alert'
             AND payload->'alert'->>'flow_id' ~ '^[0-9]{1,30}$'
             AND payload->'alert'->>'event' ~ '^[A-Z_]{1,64}$'
        ) AS alerts
       ORDER BY flow_id, event, threshold, occurred_at DESC, received_at DESC`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "meta_flow_alerts"`);
  }
}
