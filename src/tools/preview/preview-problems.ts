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
