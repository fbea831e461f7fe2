import { randomUUID } from 'node:crypto';
import { decryptResponse, signBody } from '../../src/flows-core/testing.js';
import { FlowTestClient, flowPayloads, type PreparedFlowRequest } from '../../test/kit/flow-test-client.js';
import { nfmReply } from '../../test/kit/whatsapp-notifications.js';
import type { BenchRequest } from './load.js';

export const SCENARIOS = ['ping', 'inventory', 'slots', 'flood', 'webhook'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export const SCENARIO_TITLES: Record<ScenarioName, string> = {
  ping: 'ping (health check action)',
  inventory: 'inventory lookup of PROD-99 (session + cached lookup)',
  slots: 'appointment slot listing (database)',
  flood: 'unsigned flood: large unsigned or mis-signed bodies (refused, never parsed) beside signed pings',
  webhook: 'webhook intake (signed nfm_reply, persisted)',
};

export interface Target {
  url: string;
  client: FlowTestClient;
  appSecret: string;
  adminToken: string;
}

/** An encrypted request whose reply must decrypt and satisfy `expect` (returns a problem or undefined). */
function encrypted(prepared: PreparedFlowRequest, expect: (reply: any) => string | undefined): BenchRequest {
  return {
    path: prepared.path,
    headers: prepared.headers,
    body: prepared.body,
    check(status, body) {
      if (status !== 200) return `status ${status}: ${body.slice(0, 200)}`;
      let reply: any;
      try {
        reply = decryptResponse(body, prepared.session);
      } catch (error) {
        return `reply did not decrypt: ${(error as Error).message}`;
      }
      return expect(reply);
    },
  };
}

const isPingAnswer = (reply: any) => (reply?.data?.status === 'active' ? undefined : `unexpected ping answer ${JSON.stringify(reply)}`);

/** `count` distinct ping requests (fresh AES key and IV each), as WhatsApp's health check sends them. */
export function pingRequests(target: Pick<Target, 'client'>, count: number, flow = 'inventory'): BenchRequest[] {
  return Array.from({ length: count }, () => encrypted(target.client.prepare(flow, flowPayloads.ping()), isPingAnswer));
}

/** Lookups of PROD-99 by `users` different flow tokens (sessions), each a new envelope (a repeated one would be a replay). */
export function inventoryRequests(target: Target, count: number, users = 256): BenchRequest[] {
  const run = randomUUID().slice(0, 8);
  return Array.from({ length: count }, (_, i) =>
    encrypted(
      target.client.prepare('inventory', flowPayloads.dataExchange(`bench-${run}-${i % users}`, 'INVENTORY', { product_id: 'PROD-99' })),
      (reply) =>
        reply?.screen === 'AVAILABILITY' && reply.data?.product_id === 'PROD-99'
          ? undefined
          : `unexpected inventory answer ${JSON.stringify(reply).slice(0, 200)}`,
    ),
  );
}

/**
 * Slot listings (SERVICE → SLOTS) by `users` tokens issued through the admin API, each opened with
 * INIT first as the phone does; the free slots come from the database on every request.
 */
export async function slotRequests(target: Target, count: number, users = 64): Promise<BenchRequest[]> {
  const tokens: Array<{ token: string; date: string }> = [];
  for (let i = 0; i < users; i++) {
    const issued = await fetch(`${target.url}/admin/flows/appointments/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ phone: `+35191${String(i).padStart(7, '0')}` }),
    });
    if (issued.status !== 201) throw new Error(`issuing a session answered ${issued.status}: ${await issued.text()}`);
    const { flow_token: token } = (await issued.json()) as { flow_token: string };
    const init = await target.client.init('appointments', token);
    const date = init.json?.data?.dates?.[0]?.id;
    if (init.status !== 200 || !date) throw new Error(`INIT answered ${init.status} ${JSON.stringify(init.json)}`);
    tokens.push({ token, date });
  }
  return Array.from({ length: count }, (_, i) => {
    const { token, date } = tokens[i % tokens.length];
    return encrypted(target.client.prepare('appointments', flowPayloads.dataExchange(token, 'SERVICE', { service: 'HAIRCUT', date })), (reply) =>
      reply?.screen === 'SLOTS' && Array.isArray(reply.data?.slots) && reply.data.slots.length > 0
        ? undefined
        : `unexpected slots answer ${JSON.stringify(reply).slice(0, 200)}`,
    );
  });
}

/**
 * Signed `nfm_reply` notifications, each a distinct message (Meta's dedupe key), answered 200 once
 * stored; `tally` counts the acknowledged ones, to compare with the rows stored.
 */
export function webhookRequests(target: Pick<Target, 'appSecret'>, count: number, tally: { acknowledged: number }): BenchRequest[] {
  const run = randomUUID().slice(0, 8);
  return Array.from({ length: count }, (_, i) => {
    const body = Buffer.from(JSON.stringify(nfmReply(`bench-${run}-${i % 256}`, { choice: 'yes' }, `wamid.BENCH${run}${i}`)));
    return {
      path: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, target.appSecret) },
      body,
      check(status, text) {
        if (status !== 200) return `status ${status}: ${text.slice(0, 200)}`;
        tally.acknowledged++;
        return undefined;
      },
    };
  });
}
