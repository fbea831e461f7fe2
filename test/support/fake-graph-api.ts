import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { FakeMetaFlows, metaError } from './fake-meta-flows.js';

export { metaError };

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string, parsed. */
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** The exact bytes (multipart uploads). */
  raw: Buffer;
  json?: any;
}

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A local HTTP server that behaves like Meta's Graph API (or WASenderApi): it records every request
 * and answers from a script per path (then a default), e.g. 429 then 200. With `enableFlows()` it
 * also keeps WhatsApp flows like Meta's Flows API does (see FakeMetaFlows).
 */
export class FakeGraphApi {
  readonly requests: RecordedRequest[] = [];
  private readonly scripts = new Map<string, ScriptedAnswer[]>();
  private server?: Server;
  url = '';
  /** Meta's Flows API, once enabled. */
  flows?: FakeMetaFlows;

  /** Answers for the next requests to `path` (exact path, without query), in order. */
  script(path: string, ...answers: ScriptedAnswer[]): void {
    this.scripts.set(path, [...(this.scripts.get(path) ?? []), ...answers]);
  }

  /** Forgets recorded requests and unused scripted answers. */
  reset(): void {
    this.requests.length = 0;
    this.scripts.clear();
  }

  /** Serves the Flows API of one WhatsApp Business Account, with the access token it accepts. */
  enableFlows(options: { wabaId: string; accessToken: string; pageSize?: number }): FakeMetaFlows {
    this.flows = new FakeMetaFlows({ ...options, baseUrl: () => this.url });
    return this.flows;
  }

  /** Write calls the Flows API received (what "nothing was written" is checked against). */
  writes(): RecordedRequest[] {
    return this.requests.filter((request) => request.method !== 'GET');
  }

  /**
   * The default answer when no script is left: a Cloud API-like success. A send has `to` (phone
   * number) or `recipient` (business-scoped user id); with both, `to` wins. Its `contacts[0]` echoes
   * the input with `wa_id` for a phone send or `user_id` for a send to a BSUID (Meta, "Business-scoped user IDs").
   */
  defaultAnswer: (request: RecordedRequest) => ScriptedAnswer = (request) =>
    request.path.endsWith('/messages')
      ? {
          status: 200,
          body: {
            messaging_product: 'whatsapp',
            contacts: [
              request.json?.to
                ? { input: request.json.to, wa_id: String(request.json.to).replace(/\D/g, '') }
                : { input: request.json?.recipient, user_id: request.json?.recipient },
            ],
            messages: [{ id: `wamid.FAKE${this.requests.length}` }],
          },
        }
      : { status: 200, body: { success: true } };

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  async stop(): Promise<void> {
    // Clients keep connections alive (fetch does): close them too, or close() waits for them.
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      const [path, search = ''] = (req.url ?? '/').split('?');
      let json: unknown;
      try {
        json = body && req.headers['content-type']?.includes('json') ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path,
        query: new URLSearchParams(search),
        headers: req.headers,
        body,
        raw,
        json,
      };
      this.requests.push(recorded);
      let answer: ScriptedAnswer | { status: number; text: string; headers?: Record<string, string> } | undefined = this.scripts.get(path)?.shift();
      try {
        answer ??= (await this.flows?.handle(recorded)) ?? this.defaultAnswer(recorded);
      } catch (error) {
        answer = metaError(500, 1, `fake Graph API failure: ${(error as Error).message}`);
      }
      if ('text' in answer) {
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.text);
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  }
}
