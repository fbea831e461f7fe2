import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import {
  decryptResponse,
  FlowContract,
  flowPayloads,
  INVENTORY_FLOW_JSON,
  nfmReply,
  readFlowJson,
  signBody,
  type FlowTestClient,
  type PreparedFlowRequest,
} from './flowgate.js';
import type { BenchRequest } from './load.js';

export const SCENARIOS = ['ping', 'lookup', 'reserve', 'slots', 'crowd', 'flood', 'webhook'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** The scenarios the thin + Postgres server answers too (the inventory flow's data requests). */
export const THIN_SCENARIOS: readonly ScenarioName[] = ['lookup', 'reserve', 'crowd'];

export const SCENARIO_TITLES: Record<ScenarioName, string> = {
  ping: 'ping (health check action)',
  lookup: 'inventory lookup of PROD-99 (INVENTORY → AVAILABILITY), a fresh flow token per request: session opened + cached stock',
  reserve: 'reserve to completion (AVAILABILITY → SUCCESS), each token looked up first (not measured), one reserve per token',
  slots: 'appointment slot listing (database)',
  crowd: 'people in a flow at once: open loop, each token walks INIT → lookup → reserve with a few seconds between steps',
  flood: 'unsigned flood: large unsigned or mis-signed bodies (refused, never parsed) beside signed pings',
  webhook: 'webhook intake (signed nfm_reply, persisted)',
};

/** What the reserve and 1,000-people scenarios tally while checking replies (compared with the database afterwards). */
export interface ReplyTally {
  /** SUCCESS replies (each one reserved 1 unit of PROD-99). */
  completions: number;
  /** INIT replies that showed INVENTORY with an error message (a flow without an INIT handler does). */
  initErrors: number;
  inits: number;
}

export const newTally = (): ReplyTally => ({ completions: 0, initErrors: 0, inits: 0 });

/** A server under load: where it is, the client that builds its requests, and what its replies tallied. */
export interface Target {
  url: string;
  client: FlowTestClient;
  appSecret: string;
  adminToken: string;
  tally: ReplyTally;
}

/** The check every Flowgate reply gets on the server, run here on every reply of both servers (size, screen, route, data). */
const inventoryContract = new FlowContract(readFlowJson(pathToFileURL(INVENTORY_FLOW_JSON)));

export const PRODUCT = 'PROD-99';

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

/** A reply of the inventory flow: it must pass its Flow JSON (from `fromScreen`; undefined for INIT), then `expect`. */
function inventoryReply(fromScreen: string | undefined, expect: (reply: any) => string | undefined) {
  return (reply: any) => {
    const violations = inventoryContract.violations(fromScreen, reply);
    if (violations.length) return `reply breaks the Flow JSON (${violations.join('; ').slice(0, 200)})`;
    return expect(reply);
  };
}

/** What was wrong with a reply, its error message first (a budget or validation message says most). */
const unexpected = (what: string, reply: any) =>
  typeof reply?.data?.error_message === 'string'
    ? `unexpected ${what} answer: ${reply.screen} with error message "${reply.data.error_message}"`
    : `unexpected ${what} answer ${JSON.stringify(reply).slice(0, 200)}`;

const isPingAnswer = (reply: any) => (reply?.data?.status === 'active' ? undefined : unexpected('ping', reply));

/** `count` distinct ping requests (fresh AES key and IV each), as WhatsApp's health check sends them. */
export function pingRequests(target: Pick<Target, 'client'>, count: number, flow = 'inventory'): BenchRequest[] {
  return Array.from({ length: count }, () =>
    encrypted(target.client.prepare(flow, flowPayloads.ping(target.client.dataApiVersion(flow))), isPingAnswer),
  );
}

/** A unique prefix for the flow tokens of one scenario of one run (`bench-…`). */
export const tokenPrefix = (scenario: string) => `bench-${randomUUID().slice(0, 8)}-${scenario}`;

/** INIT with `token`: the inventory flow's first screen, INVENTORY. */
export function initRequest(target: Target, token: string): BenchRequest {
  return encrypted(
    target.client.prepare('inventory', flowPayloads.init(token, target.client.dataApiVersion('inventory'))),
    inventoryReply(undefined, (reply) => {
      if (reply?.screen !== 'INVENTORY') return unexpected('INIT', reply);
      target.tally.inits++;
      if (reply.data?.error_message !== undefined) target.tally.initErrors++;
      return undefined;
    }),
  );
}

/** The lookup of PROD-99 on INVENTORY: AVAILABILITY with the product, in stock. */
export function lookupRequest(target: Target, token: string): BenchRequest {
  return encrypted(
    target.client.prepare(
      'inventory',
      flowPayloads.dataExchange(token, 'INVENTORY', { product_id: PRODUCT }, target.client.dataApiVersion('inventory')),
    ),
    inventoryReply('INVENTORY', (reply) =>
      reply.screen === 'AVAILABILITY' && reply.data?.product_id === PRODUCT && reply.data.in_stock === true && reply.data.error_message === undefined
        ? undefined
        : unexpected('lookup', reply),
    ),
  );
}

/** The AVAILABILITY screen's Reserve button, 1 unit (a TextInput value is a string), no warehouse chosen: SUCCESS for `token`. */
export function reserveRequest(target: Target, token: string): BenchRequest {
  return encrypted(
    target.client.prepare(
      'inventory',
      flowPayloads.dataExchange(
        token,
        'AVAILABILITY',
        { product_id: PRODUCT, quantity: '1', warehouse: '' },
        target.client.dataApiVersion('inventory'),
      ),
    ),
    inventoryReply('AVAILABILITY', (reply) => {
      const params = reply.screen === 'SUCCESS' ? reply.data?.extension_message_response?.params : undefined;
      if (
        !params ||
        params.flow_token !== token ||
        params.product_id !== PRODUCT ||
        params.quantity !== 1 ||
        !params.reservation_id ||
        !params.warehouse
      ) {
        return unexpected('reserve', reply);
      }
      target.tally.completions++;
      return undefined;
    }),
  );
}

/** Lookups of PROD-99, each with a flow token never seen before (the inventory flow accepts any token). */
export function lookupRequests(target: Target, count: number): BenchRequest[] {
  const prefix = tokenPrefix('lookup');
  return Array.from({ length: count }, (_, i) => lookupRequest(target, `${prefix}-${i}`));
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
    return encrypted(
      target.client.prepare(
        'appointments',
        flowPayloads.dataExchange(token, 'SERVICE', { service: 'HAIRCUT', date }, target.client.dataApiVersion('appointments')),
      ),
      (reply) =>
        reply?.screen === 'SLOTS' && Array.isArray(reply.data?.slots) && reply.data.slots.length > 0 ? undefined : unexpected('slots', reply),
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
