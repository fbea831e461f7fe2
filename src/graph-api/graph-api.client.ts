import { sendWithRetries } from './send-with-retries.js';

export type GraphMethod = 'GET' | 'POST' | 'DELETE';

export interface GraphApiSettings {
  /** e.g. https://graph.facebook.com/v23.0, without a trailing slash. */
  baseUrl: string;
  /** Sent as a bearer token on every call; callers check it is set before calling (each says what for). */
  accessToken?: string;
  /** Retries of 429/5xx stop once this much time has passed. */
  maxTotalMs: number;
  /** The WhatsApp phone number messages and keys belong to (WHATSAPP_PHONE_NUMBER_ID). */
  phoneNumberId?: string;
}

export interface GraphCallOptions {
  query?: Record<string, string>;
  /** A form, as given: fetch sends URLSearchParams urlencoded and FormData as multipart. */
  body?: URLSearchParams | FormData | string;
  /** Sent as application/json instead of `body`. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded text instead of `body`. */
  form?: Record<string, string>;
  /** A tighter budget than the client's for this call. */
  maxTotalMs?: number;
}

/**
 * The one Graph API client: `path` under the base URL with the bearer token, through
 * `sendWithRetries` (bounded retries of 429/5xx and Meta's throttling codes, redirects refused,
 * GraphApiError carrying Meta's code, message and fbtrace_id; the token is never part of a message).
 */
export class GraphApiClient {
  constructor(readonly settings: GraphApiSettings) {}

  request<T = unknown>(method: GraphMethod, path: string, options: GraphCallOptions = {}): Promise<T> {
    const query = options.query ? `?${new URLSearchParams(options.query)}` : '';
    const headers: Record<string, string> = {};
    if (this.settings.accessToken) headers.authorization = `Bearer ${this.settings.accessToken}`;
    let body = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    return sendWithRetries({
      url: `${this.settings.baseUrl}/${path}${query}`,
      method,
      headers,
      body,
      maxTotalMs: options.maxTotalMs ?? this.settings.maxTotalMs,
    }) as Promise<T>;
  }

  /** A pre-signed URL Meta handed out (an asset download): fetched without the token. */
  download(url: string): Promise<unknown> {
    return sendWithRetries({ url, method: 'GET', headers: {}, maxTotalMs: this.settings.maxTotalMs });
  }
}
