import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  json?: any;
}

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A local HTTP server that behaves like Meta's Graph API (or WASenderApi): it records every request
 * and answers from a script per path (then a default), e.g. 429 then 200.
 */
export class FakeGraphApi {
  readonly requests: RecordedRequest[] = [];
  private readonly scripts = new Map<string, ScriptedAnswer[]>();
  private server?: Server;
  url = '';

  /** Answers for the next requests to `path` (exact path, without query), in order. */
  script(path: string, ...answers: ScriptedAnswer[]): void {
    this.scripts.set(path, [...(this.scripts.get(path) ?? []), ...answers]);
  }

  /** Forgets recorded requests and unused scripted answers. */
  reset(): void {
    this.requests.length = 0;
    this.scripts.clear();
  }

  /** The default answer when no script is left: a Cloud API-like success. */
  defaultAnswer: (request: RecordedRequest) => ScriptedAnswer = (request) =>
    request.path.endsWith('/messages')
      ? { status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: request.json?.to, wa_id: request.json?.to }], messages: [{ id: `wamid.FAKE${this.requests.length}` }] } }
      : { status: 200, body: { success: true } };

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      let json: unknown;
      try {
        json = body && req.headers['content-type']?.includes('json') ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body, json };
      this.requests.push(recorded);
      const answer = this.scripts.get(path)?.shift() ?? this.defaultAnswer(recorded);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  }
}
