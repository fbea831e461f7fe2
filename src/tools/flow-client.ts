// WhatsApp's client side of the data endpoint, for the developer tools (flow:simulate, flow:preview):
// encrypts and signs each request like the phone, decrypts the reply. Also posts the nfm_reply
// webhook a completed flow produces.
import { randomBytes, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { loadEnvFile } from '../config/env-file.js';
import { UnreachableError } from './cli/errors.js';
import { decryptResponse, encryptRequest, flowCredentials, flowsConfig, loadConfiguredRing, signBody } from '../flows-core/testing.js';

/** What the tools need to talk to the endpoint as WhatsApp does. */
export interface ClientCredentials {
  /** The endpoint's current public key (a KeyObject or PEM). */
  publicKey: KeyObject | string;
  appSecret: string;
}

/** The credentials from the configuration (`.env` and the environment), as the server reads them. */
export function credentialsFromConfig(): ClientCredentials {
  loadEnvFile();
  const credentials = flowCredentials(flowsConfig());
  return { publicKey: loadConfiguredRing(credentials.keys)[0].publicKey, appSecret: credentials.appSecret };
}

/** The Flow JSON of `flow`: the file given, else the module's in src/flows (or dist/src/flows). */
export function findFlowJson(flow: string, given?: string): string | undefined {
  const candidates = [given, `src/flows/${flow}/${flow}.flow.json`, `dist/src/flows/${flow}/${flow}.flow.json`];
  return given ? (existsSync(given) ? given : undefined) : candidates.find((path): path is string => Boolean(path && existsSync(path)));
}

export interface ClientReply {
  status: number;
  /** The decrypted reply (200 and 427 answers carry one). */
  body?: { screen?: string; data?: Record<string, unknown>; error_msg?: string };
  /** A body that was not an encrypted reply (e.g. a JSON error of a 4xx), for display. */
  text?: string;
  durationMs: number;
}

/** The endpoint could not be reached at all (exit code 3 in every command). */
export class EndpointUnreachable extends UnreachableError {}

export interface FlowClientOptions extends ClientCredentials {
  /** Base URL of Flowgate, e.g. http://localhost:3000 */
  url: string;
  flow: string;
}

export class FlowClient {
  constructor(private readonly options: FlowClientOptions) {}

  /** A token of the kind a flow with `tokens: 'any'` accepts. */
  static randomToken(prefix = 'simulator'): string {
    return `${prefix}-${randomBytes(8).toString('hex')}`;
  }

  /** Sends one decrypted request (`action`, `screen`, `data`, `flow_token`) as WhatsApp would. */
  async send(request: Record<string, unknown>): Promise<ClientReply> {
    const { url, flow, publicKey, appSecret } = this.options;
    const { envelope, session } = encryptRequest({ version: '3.0', ...request }, publicKey);
    const body = Buffer.from(JSON.stringify(envelope));
    const started = performance.now();
    const response = await fetch(`${url}/flows/${encodeURIComponent(flow)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, appSecret) },
      body,
    }).catch((error: Error) => {
      throw new EndpointUnreachable(`Cannot reach ${url}: ${(error.cause as Error | undefined)?.message ?? error.message}`);
    });
    const text = await response.text();
    const durationMs = Math.round(performance.now() - started);
    if ((response.status === 200 || response.status === 427) && text) {
      try {
        return { status: response.status, body: decryptResponse(text, session) as ClientReply['body'], durationMs };
      } catch {
        return { status: response.status, text: text.slice(0, 2000), durationMs };
      }
    }
    return { status: response.status, text: text.slice(0, 2000), durationMs };
  }

  /**
   * Posts the `nfm_reply` webhook WhatsApp sends when the user completes the flow on the phone,
   * signed with the app secret, so the flow's completion handler runs.
   */
  async postCompletion(flowToken: string, responseJson: Record<string, unknown>): Promise<{ status: number; text: string }> {
    const body = Buffer.from(JSON.stringify(nfmReplyNotification(flowToken, responseJson)));
    const response = await fetch(`${this.options.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, this.options.appSecret) },
      body,
    }).catch((error: Error) => {
      throw new EndpointUnreachable(`Cannot reach ${this.options.url}: ${(error.cause as Error | undefined)?.message ?? error.message}`);
    });
    return { status: response.status, text: (await response.text()).slice(0, 2000) };
  }
}

/** A Cloud API `messages` notification carrying an `nfm_reply`, shaped like Meta's. */
export function nfmReplyNotification(flowToken: string, responseJson: Record<string, unknown>, from = '15550000000') {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '0',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000001', phone_number_id: '0' },
              contacts: [{ profile: { name: 'Preview' }, wa_id: from }],
              messages: [
                {
                  from,
                  id: `wamid.PREVIEW${randomBytes(8).toString('hex')}`,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'interactive',
                  interactive: {
                    type: 'nfm_reply',
                    nfm_reply: { response_json: JSON.stringify({ ...responseJson, flow_token: flowToken }), body: 'Sent', name: 'flow' },
                  },
                },
              ],
            },
          },
        ],
      },
    ],
  };
}
