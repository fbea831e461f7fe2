import { createHmac } from 'node:crypto';

const base64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export interface TokenSignatureOptions {
  /** The JOSE header; default `{"alg":"HS256","typ":"JWT"}`. */
  header?: Record<string, unknown>;
  /** Claims added to (or replacing) `{ flow_token }`. */
  claims?: Record<string, unknown>;
  /** Leave the MAC out (an unsecured JWT, as `alg: none` would be sent). */
  unsigned?: boolean;
}

/**
 * The `flow_token_signature` Meta adds to Data API 4.0 requests (Flow JSON ≥ 7.3, data_api_version
 * "4.0"): an HS256 JWT whose payload holds the flow token, signed with the app secret of the app
 * connected to the flow (Meta, "Implementing Endpoint for Flows", enhanced endpoint security).
 */
export function signFlowToken(flowToken: string, appSecret: string, options: TokenSignatureOptions = {}): string {
  const header = base64url(options.header ?? { alg: 'HS256', typ: 'JWT' });
  const payload = base64url({ flow_token: flowToken, iat: Math.floor(Date.now() / 1000), ...options.claims });
  if (options.unsigned) return `${header}.${payload}.`;
  const mac = createHmac('sha256', appSecret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${mac}`;
}

/** `jwt` with one character of its payload changed, its MAC kept (a tampered token). */
export function tamperPayload(jwt: string, flowToken: string): string {
  const [header, , mac] = jwt.split('.');
  return `${header}.${base64url({ flow_token: `${flowToken}x`, iat: Math.floor(Date.now() / 1000) })}.${mac}`;
}
