/**
 * Everything the benchmark takes from Flowgate's sources and its test kit, in one place: when files
 * move in src/ or test/, only this module changes. The comparison servers import none of it (they
 * are hand-written endpoints); the load generator, the scenarios and the crypto ceiling use it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FlowJson } from '../../src/flow-json/index.js';
import { PROJECT_ROOT } from './servers.js';

// Client-side crypto and signing, as WhatsApp's client does them (the test kit's base); server-side
// crypto for the crypto ceiling (the most one core could ever answer); the reply checks.
export {
  decryptResponse,
  encryptRequest,
  signBody,
  FlowContract,
  screenDataErrors,
  decryptPayload,
  encryptResponse,
  unwrapAesKey,
  type AesSession,
} from '../../src/flows-core/testing.js';
export { readFlowJson } from '../../src/flow-json/files.js';
// Flowgate's event-loop lag sampling interval (counted into every sample of its /metrics).
export { EVENT_LOOP_RESOLUTION_MS } from '../../src/metrics/metrics.service.js';

// The test kit: keys, the WhatsApp client, webhook notifications, a free port.
export { generateAppSecret, generateTestKeyPair } from '../../test/kit/test-keys.js';
export { FlowTestClient, flowPayloads, type PreparedFlowRequest } from '../../test/kit/flow-test-client.js';
export { nfmReply } from '../../test/kit/whatsapp-notifications.js';
export { freePort } from '../../test/support/free-port.js';

/** A demo flow's Flow JSON (its data API version tells how the phone signs its requests), read once. */
const flowJsons = new Map<string, FlowJson | undefined>();
export function flowJsonOf(flow: string): FlowJson | undefined {
  if (!flowJsons.has(flow)) {
    const file = resolve(PROJECT_ROOT, `src/flows/${flow}/${flow}.flow.json`);
    flowJsons.set(flow, existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as FlowJson) : undefined);
  }
  return flowJsons.get(flow);
}

/** The inventory flow's Flow JSON: every reply of the lookup, reserve and 1,000-people scenarios is checked against it. */
export const INVENTORY_FLOW_JSON = resolve(PROJECT_ROOT, 'src/flows/inventory/inventory.flow.json');

/** Flowgate's built entry point and its demo-data command (run from PROJECT_ROOT). */
export const FLOWGATE_MAIN = 'dist/src/main.js';
/** Loaded first with `node --import`, as `npm start` does: starts tracing only when an OTLP endpoint is set. */
const FLOWGATE_TRACING = './dist/src/tracing/register.js';
/** Node's flags as `npm start` and the container image give them (test/bench/start-command.spec.ts keeps them equal). */
export const FLOWGATE_NODE_ARGS = ['--no-memory-reducer', '--import', FLOWGATE_TRACING] as const;
export const FLOWGATE_SEED = 'dist/src/seed.js';

/** Flowgate's tables the benchmark reads or refills (the inventory flow's demo data and the webhook store). */
export const FLOWGATE_TABLES = {
  stock: 'inventory_stock_levels',
  reservations: 'inventory_reservations',
  webhookEvents: 'webhook_events',
} as const;
