import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { signBody } from '../../../src/hub-signature/index.js';
import { nfmReply } from '../../webhooks/fixtures.js';

export { nfmReply };

/** Posts a webhook notification signed like Meta's; a refused connection is status 0. */
export async function postWebhook(url: string, appSecret: string, body: unknown): Promise<number> {
  const bytes = Buffer.from(JSON.stringify(body));
  try {
    const response = await fetch(`${url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(bytes, appSecret) },
      body: bytes,
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

export const messageIdOf = (payload: ReturnType<typeof nfmReply>) => payload.entry[0].changes[0].value.messages[0].id;

/** The table the resilience flow's completion handler writes one row into per call. */
export async function createEffectsTable(sql: pg.Pool): Promise<void> {
  await sql.query('CREATE TABLE IF NOT EXISTS completion_effects (message_id text NOT NULL, pid int, at timestamptz NOT NULL DEFAULT now())');
}

/** An issued session of the resilience flow, as Flowgate's admin API would create it. */
export async function issueToken(sql: pg.Pool): Promise<string> {
  const token = `tok-${randomBytes(12).toString('hex')}`;
  await sql.query(`INSERT INTO flow_sessions (token, flow, issued, expires_at) VALUES ($1, 'resilience', true, now() + interval '1 hour')`, [token]);
  return token;
}

/** Completion effects per message id (a message processed twice shows 2). */
export async function effectsByMessage(sql: pg.Pool, messageIds: string[]): Promise<Map<string, number>> {
  const { rows } = await sql.query<{ message_id: string; n: number }>(
    'SELECT message_id, count(*)::int AS n FROM completion_effects WHERE message_id = ANY($1) GROUP BY message_id',
    [messageIds],
  );
  return new Map(rows.map((row) => [row.message_id, row.n]));
}
