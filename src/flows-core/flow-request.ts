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

/** Client error notifications carry `data.error` (possibly "") or `data.error_message`. */
export function isErrorNotification(request: FlowRequest): boolean {
  const data = request.data;
  return typeof data === 'object' && data !== null && ('error' in data || 'error_message' in data);
}
