import { redactProviderText } from '../logging/redact-personal-data.js';
import { GraphApiError } from './graph-api-error.js';

/** Readable messages for Meta error codes that matter when sending flows. */
const META_ERRORS: Record<number, string> = {
  131000: 'Meta could not send the message (131000: something went wrong); try again later',
  131005: 'The access token is not allowed to send messages (131005: access denied)',
  131008: 'A required parameter is missing (131008)',
  131009: 'A parameter value is not valid (131009)',
  131026: 'The recipient cannot receive this message (131026: not on WhatsApp or an old app version)',
  131047: 'More than 24 hours passed since the customer last wrote; send a template instead (131047)',
  131051: 'Unsupported message type (131051)',
  131062: 'This kind of message cannot go to a business-scoped user id (131062); send it to the phone number (to)',
  132068: 'The flow is blocked by Meta (132068); check its health and endpoint',
  132069: 'The flow is throttled by Meta (132069): only 10 messages an hour; check its endpoint health',
  190: 'The WhatsApp access token is invalid or expired (190)',
  100: 'Meta rejected a parameter (100)',
};

export interface SendOptions {
  url: string;
  method?: 'GET' | 'POST' | 'DELETE';
  headers: Record<string, string>;
  /** FormData is sent as multipart/form-data (fetch sets the boundary); it can be sent again on a retry. */
  body?: string | URLSearchParams | FormData;
  /** Give up retrying 429/5xx once this much time has passed. */
  maxTotalMs: number;
}

// Meta's throttling codes, which may come with a 400 instead of a 429: retried like a 429.
const THROTTLED_CODES = new Set([4, 80007, 130429]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One HTTP call to a messaging provider with bounded retries: 429 and 5xx (and network errors) are
 * retried with exponential backoff (honouring Retry-After) until `maxTotalMs`; anything else that
 * is not 2xx becomes a GraphApiError with a readable message. Redirects are never followed: a
 * provider's API does not redirect, and following one would re-send the message (and the bearer
 * token's request) to wherever the answer points, or count a 302 as a delivery.
 */
export async function sendWithRetries(options: SendOptions): Promise<unknown> {
  const started = Date.now();
  let delay = 250;
  for (let attempt = 1; ; attempt++) {
    let status = 0;
    let body: any;
    let retryAfterMs: number | undefined;
    try {
      const response = await fetch(options.url, {
        method: options.method ?? 'POST',
        headers: options.headers,
        body: options.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(Math.max(1_000, options.maxTotalMs - (Date.now() - started))),
      });
      status = response.status;
      const text = await response.text();
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      if (response.ok) return body;
      if (status >= 300 && status < 400) throw redirectRefused(status, response.headers.get('location'), options.url);
      const retryAfter = Number(response.headers.get('retry-after'));
      if (Number.isFinite(retryAfter) && retryAfter > 0) retryAfterMs = retryAfter * 1000;
    } catch (error) {
      if (error instanceof GraphApiError) throw error;
      // fetch says only "fetch failed"; the cause names what happened (ECONNREFUSED, ENOTFOUND, a timeout).
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      body = { error: { message: cause?.code ?? cause?.message ?? (error as Error).message } };
    }
    const retryable = status === 0 || status === 429 || status >= 500 || THROTTLED_CODES.has(body?.error?.code);
    const error = toGraphApiError(status, body, retryable, sentTokens(options.headers));
    const wait = retryAfterMs ?? delay;
    if (!retryable || Date.now() - started + wait > options.maxTotalMs) throw error;
    await sleep(wait);
    delay *= 2;
  }
}

function redirectRefused(status: number, location: string | null, from: string): GraphApiError {
  let where = 'elsewhere';
  try {
    // The origin only: a redirect URL can carry anything in its path and query.
    if (location) where = new URL(location, from).origin;
  } catch {
    where = 'an invalid location';
  }
  return new GraphApiError(
    `The provider answered ${status}, a redirect to ${where}; redirects are refused (check the provider's base URL)`,
    status,
    undefined,
    true,
  );
}

/** The credentials a request carried, to mask if the answer quotes them back. */
function sentTokens(headers: Record<string, string>): string[] {
  return Object.entries(headers)
    .filter(([name]) => ['authorization', 'x-api-key'].includes(name.toLowerCase()))
    .flatMap(([, value]) => [value, value.replace(/^\S+\s+/, '')]);
}

function toGraphApiError(status: number, body: any, retryable: boolean, tokens: string[]): GraphApiError {
  const meta = body?.error;
  const code = typeof meta?.code === 'number' ? meta.code : undefined;
  const known = code !== undefined ? META_ERRORS[code] : undefined;
  // Meta's `error`, else a top-level `message` (WASenderApi's errors), else a page as text.
  const raw = meta?.error_user_msg ?? meta?.message ?? (typeof body?.message === 'string' ? body.message : body);
  // Provider text names the recipient ("… undeliverable to +351…") and a proxy may quote the request's
  // Authorization header back; it ends up in logs, admin answers and CLI output. Masked whole, then cut.
  // (A page a proxy answered is read no further than 64 KiB, and shown no further than 200 characters.)
  const limit = raw === body ? 200 : 500;
  const detail = typeof raw === 'string' ? redactProviderText(raw.slice(0, 65_536), tokens).slice(0, limit) : undefined;
  const message =
    known ??
    (status === 0
      ? `The provider could not be reached: ${detail ?? 'no answer'}`
      : `The provider answered ${status}${code !== undefined ? ` (code ${code})` : ''}${detail ? `: ${detail}` : ''}`);
  const provider = {
    userMessage: typeof detail === 'string' ? detail : undefined,
    fbtraceId: typeof meta?.fbtrace_id === 'string' ? meta.fbtrace_id : undefined,
    subcode: typeof meta?.error_subcode === 'number' ? meta.error_subcode : undefined,
  };
  return new GraphApiError(message, status, code, !retryable, provider);
}
