import type { FlowJson } from '../../src/flow-json/index.js';
import { FlowContract } from '../../src/flows-core/testing.js';
import type { FlowReply } from './flow-test-client.js';

/**
 * Errors of a reply, by the same check the server runs on every reply (FlowContract): size, the
 * target screen exists, `routing_model` allows the move from the screen the request came from, the
 * data matches the screen's declaration, a completion carries a non-empty flow token. Empty when
 * the phone accepts the reply.
 */
export function contractErrors(flow: FlowJson | FlowContract, reply: FlowReply): string[] {
  const contract = flow instanceof FlowContract ? flow : new FlowContract(flow);
  if (reply.status !== 200 || !reply.json) return [`status ${reply.status}`];
  const { action, screen } = reply.request ?? {};
  const fromScreen = action !== 'INIT' && typeof screen === 'string' ? screen : undefined;
  return contract.violations(fromScreen, reply.json);
}
