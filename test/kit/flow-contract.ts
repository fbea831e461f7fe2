import { screenDataErrors, type FlowJson } from '../../src/flows-core/contract/flow-json.js';
import type { FlowReply } from './flow-test-client.js';

/**
 * Errors of a reply against the Flow JSON: the screen exists and its data matches the declared
 * schema; a completion carries the flow token. Empty when the reply is what the phone accepts.
 */
export function contractErrors(flowJson: FlowJson, reply: FlowReply): string[] {
  const body = reply.json as { screen?: string; data?: Record<string, any> } | undefined;
  if (reply.status !== 200 || !body) return [`status ${reply.status}`];
  if (body.screen === 'SUCCESS') {
    const params = body.data?.extension_message_response?.params;
    return params && typeof params.flow_token === 'string' ? [] : ['SUCCESS without params.flow_token'];
  }
  if (typeof body.screen !== 'string') return ['no screen'];
  return screenDataErrors(flowJson, body.screen, body.data ?? {});
}
