import type { ClientReply } from '../flow-client.js';

/** Something the page shows in red: what happened and what to do about it. */
export interface Problem {
  title: string;
  fix: string;
}

/** Explains an endpoint answer that is not a usable reply, in the words of the one who must fix it. */
export function replyProblem(flow: string, url: string, reply: ClientReply): Problem | undefined {
  const { status } = reply;
  if (status === 200) {
    if (!reply.body)
      return { title: 'HTTP 200 without an encrypted reply', fix: "The endpoint answered with a body the phone cannot decrypt: see Flowgate's log." };
    return undefined;
  }
  if (status === 427) {
    const message = reply.body?.error_msg ?? 'the flow token was refused';
    return {
      title: `HTTP 427: ${message}`,
      fix: /completed|expired/i.test(message)
        ? 'This token is used up: press "Restart" for a new one, or restart the preview with a fresh --token.'
        : `The flow "${flow}" accepts only tokens Flowgate issued: issue one (POST /admin/flows/${flow}/sessions with ADMIN_TOKEN) and start the preview with --token <token>.`,
    };
  }
  if (status === 421) {
    return {
      title: 'HTTP 421: the endpoint could not decrypt the request',
      fix: "The preview encrypts with another key than the endpoint's current one: run it with the same FLOW_PRIVATE_KEY_FILE (or FLOW_PRIVATE_KEY) as the server.",
    };
  }
  if (status === 401 || status === 403) {
    return {
      title: `HTTP ${status}: the request signature was refused`,
      fix: 'The preview signs with another app secret than the endpoint: run it with the same WHATSAPP_APP_SECRET as the server.',
    };
  }
  if (status === 404) {
    return {
      title: `HTTP 404: ${url} has no flow named "${flow}"`,
      fix: 'Check the flow name, that its module is listed in src/flows/index.ts, and that --url points at the right server.',
    };
  }
  return {
    title: `HTTP ${status}${reply.text ? `: ${reply.text.slice(0, 200)}` : ''}`,
    fix:
      status >= 500
        ? "The handler failed: Flowgate's log has the error (look for its correlation id)."
        : 'The endpoint refused the request: see the answer above.',
  };
}

export function unreachableProblem(url: string, message: string): Problem {
  return {
    title: message,
    fix: `Start Flowgate (npm start) or point the preview at a running one with --url (now ${url}).`,
  };
}

export function contractProblem(fromScreen: string | undefined, violations: string[]): Problem | undefined {
  if (violations.length === 0) return undefined;
  return {
    title: `The reply breaks the flow's contract (${violations.length} ${violations.length === 1 ? 'violation' : 'violations'}); WhatsApp would show an error instead of this screen`,
    fix: `Fix the handler of ${fromScreen ? `screen ${fromScreen}` : 'INIT'} so its reply matches the Flow JSON (or change the screen's declared data): ${violations.join('; ')}`,
  };
}

/** Whether the request data carries a media object served by the CDN at `cdnUrl` (top-level fields, as pickers send them). */
function carriesCdnMedia(data: unknown, cdnUrl: string): boolean {
  if (!data || typeof data !== 'object') return false;
  return Object.values(data).some(
    (value) =>
      Array.isArray(value) &&
      value.some((item) => typeof (item as { cdn_url?: unknown })?.cdn_url === 'string' && (item as { cdn_url: string }).cdn_url.startsWith(cdnUrl)),
  );
}

/**
 * A media handler's refusal of a file from the preview's own CDN is, nearly always, the server not
 * being set up to fetch from it: the page says what to set, beside the message the user would see.
 */
export function mediaFetchProblem(
  data: unknown,
  reply: ClientReply,
  cdn: { url: string; serverSettings: Record<string, string> },
): Problem | undefined {
  const message = (reply.body as { data?: { error_message?: unknown } } | undefined)?.data?.error_message;
  if (reply.status !== 200 || typeof message !== 'string' || !carriesCdnMedia(data, cdn.url)) return undefined;
  if (/could not be fetched/.test(message)) {
    const settings = Object.entries(cdn.serverSettings)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ');
    return {
      title: `Flowgate could not download the picked file from the preview's CDN (${cdn.url}): ${message}`,
      fix: `Start Flowgate with ${settings} (outside production only), then pick the file again. Flowgate's log names the reason.`,
    };
  }
  if (/no longer available/.test(message)) {
    return { title: message, fix: 'The preview keeps picked files only while it runs: pick the file again.' };
  }
  return undefined;
}

/**
 * What a reply is, for the inspector: no reply the phone could use (a 4xx, a 5xx, nothing), an
 * error message (`data.error_message`: the phone shows it over the screen, nothing moves; its
 * violations, if any, are shown too), a screen or completion that breaks the Flow JSON, or one that
 * matches it. An error answer or no answer never "matches".
 */
export type Verdict = 'matches' | 'violates' | 'error_message' | 'no_reply';

export function replyVerdict(reply: ClientReply, violations: string[]): Verdict {
  if (reply.status !== 200 || !reply.body) return 'no_reply';
  if (errorMessageOf(reply) !== undefined) return 'error_message';
  return violations.length ? 'violates' : 'matches';
}

/** The reply's `data.error_message`, if it is an error answer. */
export function errorMessageOf(reply: ClientReply): string | undefined {
  const message = (reply.body as { data?: { error_message?: unknown } } | undefined)?.data?.error_message;
  return typeof message === 'string' ? message : undefined;
}

/**
 * INIT answered with an error message: the flow cannot open. Flowgate answers so when the flow has
 * no INIT handler ("This step is not available right now", and its log says which handler is
 * missing) or when the INIT handler itself answered an error.
 */
export function initErrorProblem(message: string, start: { screen: string; reason: string } | undefined): Problem {
  return {
    title: `INIT was answered with an error, so the flow cannot open: "${message}"`,
    fix:
      `${start ? `${start.reason} ` : ''}` +
      'If the flow has no INIT handler, Flowgate answers "This step is not available right now" and its log says "has no handler for INIT": ' +
      `add one (@FlowInit(), or init in typedFlow) that returns the data of ${start?.screen ?? 'the first screen'}; otherwise see Flowgate's log for why the handler answered an error.`,
  };
}
