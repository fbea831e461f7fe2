import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  decryptResponse,
  encryptRequest,
  signBody,
  type AesSession,
  type ClientEncryptOptions,
  type FlowEnvelope,
} from '../../src/flows-core/testing.js';
import { signFlowToken } from './flow-token-signature.js';

export interface FlowTestClientOptions {
  baseUrl: string;
  /** The server's public key (PEM or KeyObject), as WhatsApp fetched it. */
  publicKey: string | KeyObject;
  appSecret: string;
  /**
   * A flow's Flow JSON (its `version` and `data_api_version`), as the phone has it: the requests of a
   * flow with Data API 4.0 say `version: "4.0"` and, from Flow JSON 7.3, carry `flow_token_signature`.
   * Unknown flows get Data API 3.0 requests.
   */
  flowJsonOf?: (flow: string) => { version?: string; data_api_version?: string } | undefined;
}

export interface SendOptions extends ClientEncryptOptions {
  /** Wrap the AES key for this public key instead of the server's (negative cases). */
  encryptFor?: string | KeyObject;
  /** Sign with this secret instead of the client's; `null` sends no signature header. */
  signWith?: string | null;
  /** Use this exact `X-Hub-Signature-256` value. */
  signatureHeader?: string;
  /** Change the envelope after encryption (negative cases). */
  tamper?: (envelope: FlowEnvelope) => Record<string, unknown>;
  /** Change the body bytes after signing (negative cases). */
  alterAfterSigning?: (body: Buffer) => Buffer;
  headers?: Record<string, string>;
  /**
   * The request's `flow_token_signature` instead of the one Meta would make (Data API 4.0 requests are
   * signed with the client's app secret); `null` sends none.
   */
  tokenSignature?: string | null;
}

/** The Data API version of a request (`version`): "3.0", or "4.0" for flows declaring `data_api_version` "4.0". */
export type DataApiVersion = '3.0' | '4.0';

/** Plaintext requests as WhatsApp's client builds them (Data API 3.0 unless told). */
export const flowPayloads = {
  ping: (version: DataApiVersion = '3.0') => ({ version, action: 'ping' }),
  init: (flowToken: string, version: DataApiVersion = '3.0') => ({ version, action: 'INIT', flow_token: flowToken }),
  dataExchange: (flowToken: string, screen: string, data: Record<string, unknown>, version: DataApiVersion = '3.0') => ({
    version,
    action: 'data_exchange',
    screen,
    data,
    flow_token: flowToken,
  }),
};

/** `7.3` → 703. */
const versionNumber = (version: unknown) => {
  const match = typeof version === 'string' ? /^(\d+)\.(\d+)$/.exec(version) : null;
  return match ? Number(match[1]) * 100 + Number(match[2]) : 0;
};

export interface PreparedFlowRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Decrypts the reply. */
  session: AesSession;
}

export interface FlowReply {
  status: number;
  contentType: string | null;
  /** The raw response body. */
  text: string;
  /** The decrypted reply (200, and 427 with a body), as WhatsApp's client reads it. */
  json?: any;
  session: AesSession;
  /** What was asked (when the payload was an object): the contract check needs the screen it came from. */
  request?: { action?: unknown; screen?: unknown };
}

/**
 * Plays WhatsApp's client against a Flowgate data endpoint: a fresh AES-128 key and 16-byte IV per
 * request, the key wrapped with RSA-OAEP-SHA256, the GCM tag appended, the exact body bytes signed
 * with HMAC-SHA256, and replies decrypted with the inverted IV.
 */
export class FlowTestClient {
  private readonly publicKey: KeyObject;

  constructor(private readonly options: FlowTestClientOptions) {
    this.publicKey = typeof options.publicKey === 'string' ? createPublicKey(options.publicKey) : options.publicKey;
  }

  /** The Data API version the phone speaks to `flow`: "4.0" when its Flow JSON declares it. */
  dataApiVersion(flow: string): DataApiVersion {
    return this.options.flowJsonOf?.(flow)?.data_api_version === '4.0' ? '4.0' : '3.0';
  }

  /**
   * Sends `payload` to `POST /flows/<flow>` and decrypts the answer. A Data API 4.0 request with a flow
   * token is signed as Meta signs it (`flow_token_signature`, HS256 with the app secret) when the
   * flow's Flow JSON is 7.3 or later (or unknown), unless the payload or `tokenSignature` says otherwise.
   */
  async send(flow: string, payload: unknown, options: SendOptions = {}): Promise<FlowReply> {
    payload = this.signed(flow, payload, options);
    const { body, session } = this.encrypt(payload, options);
    const reply = await this.post(flow, body, session, options);
    if (payload && typeof payload === 'object') {
      const { action, screen } = payload as Record<string, unknown>;
      reply.request = { action, screen };
    }
    return reply;
  }

  /**
   * Builds the exact request WhatsApp's client would send for `payload`, without sending it
   * (load drivers build thousands ahead of time so encryption does not compete with the server).
   */
  prepare(flow: string, payload: unknown, options: SendOptions = {}): PreparedFlowRequest {
    const { body, session } = this.encrypt(this.signed(flow, payload, options), options);
    return {
      path: `/flows/${flow}`,
      headers: this.headersFor(body, options),
      body: options.alterAfterSigning ? options.alterAfterSigning(body) : body,
      session,
    };
  }

  /** Posts exact bytes (signed unless told otherwise); `session` decrypts the reply. */
  async post(flow: string, body: Buffer, session: AesSession, options: SendOptions = {}): Promise<FlowReply> {
    const headers = this.headersFor(body, options);
    const sent = options.alterAfterSigning ? options.alterAfterSigning(body) : body;

    const response = await fetch(`${this.options.baseUrl}/flows/${flow}`, { method: 'POST', headers, body: sent });
    const text = await response.text();
    const reply: FlowReply = { status: response.status, contentType: response.headers.get('content-type'), text, session };
    if ((response.status === 200 || response.status === 427) && text.length > 0) {
      reply.json = decryptResponse(text, session);
    }
    return reply;
  }

  /** `payload` with the `flow_token_signature` Meta would add to it (see send). */
  private signed(flow: string, payload: unknown, options: SendOptions): unknown {
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return payload;
    const request = payload as Record<string, unknown>;
    if (options.tokenSignature === null) return payload;
    if (typeof options.tokenSignature === 'string') return { ...request, flow_token_signature: options.tokenSignature };
    if (request.version !== '4.0' || typeof request.flow_token !== 'string' || 'flow_token_signature' in request) return payload;
    const flowJson = this.options.flowJsonOf?.(flow);
    if (flowJson && versionNumber(flowJson.version) < 703) return payload;
    return { ...request, flow_token_signature: signFlowToken(request.flow_token, this.options.appSecret) };
  }

  private encrypt(payload: unknown, options: SendOptions): { body: Buffer; session: AesSession } {
    const { envelope, session } = encryptRequest(payload, options.encryptFor ?? this.publicKey, options);
    return { body: Buffer.from(JSON.stringify(options.tamper ? options.tamper(envelope) : envelope), 'utf8'), session };
  }

  /** Content type and `X-Hub-Signature-256` over the exact body bytes, as Meta signs them. */
  private headersFor(body: Buffer, options: SendOptions): Record<string, string> {
    const secret = options.signWith === undefined ? this.options.appSecret : options.signWith;
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.signatureHeader !== undefined) headers['x-hub-signature-256'] = options.signatureHeader;
    else if (secret !== null) headers['x-hub-signature-256'] = signBody(body, secret);
    return headers;
  }

  ping(flow: string, options?: SendOptions) {
    return this.send(flow, flowPayloads.ping(this.dataApiVersion(flow)), options);
  }

  init(flow: string, flowToken: string, options?: SendOptions) {
    return this.send(flow, flowPayloads.init(flowToken, this.dataApiVersion(flow)), options);
  }

  dataExchange(flow: string, flowToken: string, screen: string, data: Record<string, unknown>, options?: SendOptions) {
    return this.send(flow, flowPayloads.dataExchange(flowToken, screen, data, this.dataApiVersion(flow)), options);
  }

  back(flow: string, flowToken: string, screen: string, options?: SendOptions) {
    return this.send(flow, { version: this.dataApiVersion(flow), action: 'BACK', screen, data: {}, flow_token: flowToken }, options);
  }

  /** The asynchronous notification the client sends after rejecting a response. */
  errorNotification(flow: string, flowToken: string, screen: string, error: string, message: string, options?: SendOptions) {
    return this.send(
      flow,
      { version: this.dataApiVersion(flow), action: 'data_exchange', screen, flow_token: flowToken, data: { error, error_message: message } },
      options,
    );
  }
}

/** Flips one byte of a base64 value (negative cases). */
export function flipByte(base64: string, index: number): string {
  const bytes = Buffer.from(base64, 'base64');
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] ^= 0x01;
  return bytes.toString('base64');
}
