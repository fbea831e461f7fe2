import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';

/** A decrypted request as WhatsApp sends it, with defaults for what a handler test rarely cares about. */
export interface DispatchRequest {
  action: 'INIT' | 'BACK' | 'data_exchange' | 'ping';
  screen?: string;
  data?: Record<string, unknown>;
  /** Default: a fresh token (a new session). A flow with `tokens: 'issued'` needs one from FlowSessions.issue(). */
  flow_token?: string;
  /** Default: 3.0. */
  version?: string;
}

/** The plaintext reply the phone would decrypt: the next screen and its data, or an error message on the current one. */
export interface DispatchedReply {
  screen?: string;
  data?: Record<string, unknown>;
}

/**
 * Runs the handler of `flow` for `request` exactly as the data endpoint does after decrypting it
 * (token policy, session, transaction, response budget, contract check, errors as screens), without
 * HTTP, signature or crypto. `app` is an initialised application or testing module that holds the
 * flows core and the flow's module (`await moduleRef.init()` first: flows are found at init).
 *
 *   const reply = await dispatchFlow(moduleRef, 'inventory', { action: 'data_exchange', screen: 'INVENTORY', data: { sku: 'SKU-1' } });
 *   expect(reply.screen).toBe('AVAILABILITY');
 */
export async function dispatchFlow(app: Pick<INestApplicationContext, 'get'>, flow: string, request: DispatchRequest): Promise<DispatchedReply> {
  // Loaded on the first call: the command-line tools import the entry that exports this function for
  // its keys and crypto, and should not load the router (and with it most of the server) to start.
  const [{ FlowRegistry }, { FlowRouter, plainSealing }] = await Promise.all([import('./flow-registry.js'), import('./flow-router.js')]);
  const registry = app.get(FlowRegistry, { strict: false });
  if (!registry.get(flow)) throw new Error(`No flow named "${flow}" in this module (flows: ${registry.names().join(', ') || 'none'})`);
  const { body } = await app
    .get(FlowRouter, { strict: false })
    .dispatch(flow, { version: '3.0', flow_token: randomUUID(), ...request }, plainSealing());
  return JSON.parse(body) as DispatchedReply;
}
