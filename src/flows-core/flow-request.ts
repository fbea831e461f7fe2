/** The decrypted request WhatsApp sends to the data endpoint (data_api_version 3.0 / 4.0). */
export interface FlowRequest {
  version?: string;
  action: string;
  screen?: string;
  data?: Record<string, unknown>;
  flow_token?: string;
  flow_token_signature?: string;
}

export const SUPPORTED_VERSIONS = ['3.0', '4.0'];
export const FLOW_ACTIONS = ['ping', 'INIT', 'BACK', 'data_exchange', 'navigate'] as const;

const STRING_FIELDS = ['version', 'action', 'screen', 'flow_token', 'flow_token_signature'] as const;
// WhatsApp omits a field rather than sending null; null still means "absent" for these, never a value.
const NULLABLE = new Set<string>(['screen', 'flow_token', 'data']);

const typeName = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;

/**
 * Checks the types of a decrypted request's fields before anything routes on them: a screen of
 * `["INVENTORY"]` must never reach the INVENTORY handler because something joined it into a string.
 * Returns the request with null fields dropped, or a readable problem.
 */
export function typedFlowRequest(payload: Record<string, unknown>): { request: FlowRequest } | { problem: string } {
  const request: Record<string, unknown> = { ...payload };
  for (const field of [...STRING_FIELDS, 'data'] as const) {
    const value = request[field];
    if (value === undefined) continue;
    if (value === null && NULLABLE.has(field)) {
      delete request[field];
      continue;
    }
    const ok = field === 'data' ? typeof value === 'object' && value !== null && !Array.isArray(value) : typeof value === 'string';
    if (!ok) return { problem: `${field} must be ${field === 'data' ? 'a JSON object' : 'a string'}, got ${typeName(value)}` };
  }
  if (!request.action) return { problem: 'The decrypted payload has no action' };
  return { request: request as unknown as FlowRequest };
}

/** Client error notifications carry `data.error` (possibly "") or `data.error_message`. */
export function isErrorNotification(request: FlowRequest): boolean {
  const data = request.data;
  return typeof data === 'object' && data !== null && ('error' in data || 'error_message' in data);
}
