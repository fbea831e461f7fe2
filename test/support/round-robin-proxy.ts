import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';

/** Headers of one hop, never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

interface Backend {
  url: URL;
  agent: Agent;
  /** Receives requests only while its readiness probe answers 200 (a new backend waits for its first one). */
  ready: boolean;
  removed: boolean;
  forwarded: number;
}

export interface ProxyOptions {
  /** Path of the readiness probe (Kubernetes' readinessProbe). */
  readinessPath?: string;
  /** How often each backend is probed (a Service's endpoints follow readiness about this fast). */
  probeEveryMs?: number;
}

/**
 * A real round-robin HTTP reverse proxy on loopback, behaving like a load balancer in front of a
 * Kubernetes Service: it keeps connections to each backend alive (as nginx or Envoy do), sends
 * requests only to backends whose readiness probe answers 200, and retries a request on the next
 * backend only when the connection could not be made (the request never left: ECONNREFUSED), as
 * those proxies do for a POST. A connection reset after the request was sent is a 502, like theirs.
 */
export class RoundRobinProxy {
  private readonly backends: Backend[] = [];
  private server?: Server;
  private next = 0;
  private timer?: NodeJS.Timeout;
  private readonly readinessPath: string;
  private readonly probeEveryMs: number;
  /** Answers the proxy made itself (no backend, or a backend failure), with why. */
  readonly failures: Array<{ at: number; status: number; reason: string; path: string }> = [];
  url = '';

  constructor(options: ProxyOptions = {}) {
    this.readinessPath = options.readinessPath ?? '/health/ready';
    this.probeEveryMs = options.probeEveryMs ?? 200;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    this.timer = setInterval(() => void this.probeAll(), this.probeEveryMs);
    return this;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const backend of this.backends) backend.agent.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Adds a backend; it gets traffic once its readiness probe answers 200. */
  add(url: string): void {
    this.backends.push({ url: new URL(url), agent: new Agent({ keepAlive: true, maxSockets: 64 }), ready: false, removed: false, forwarded: 0 });
    void this.probeAll();
  }

  /** Stops sending to a backend (its pod object is gone); connections in use finish. */
  remove(url: string): void {
    const backend = this.backends.find((b) => b.url.origin === new URL(url).origin && !b.removed);
    if (backend) backend.removed = true;
  }

  /** Resolves when `url` is in rotation (or out of it, with `ready: false`). */
  async waitUntil(url: string, ready = true, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const backend = this.backends.find((b) => b.url.origin === new URL(url).origin && !b.removed);
      if ((backend?.ready ?? false) === ready) return;
      if (Date.now() > deadline) throw new Error(`${url} not ${ready ? 'ready' : 'out of rotation'} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Requests forwarded to each backend so far. */
  forwardedBy(): Record<string, number> {
    return Object.fromEntries(this.backends.map((b) => [b.url.origin, b.forwarded]));
  }

  private async probeAll(): Promise<void> {
    await Promise.all(
      this.backends
        .filter((b) => !b.removed)
        .map(async (backend) => {
          try {
            const response = await fetch(new URL(this.readinessPath, backend.url), { signal: AbortSignal.timeout(1_000) });
            await response.arrayBuffer();
            backend.ready = response.status === 200;
          } catch {
            backend.ready = false;
          }
        }),
    );
  }

  private pick(exclude: Set<Backend>): Backend | undefined {
    const live = this.backends.filter((b) => b.ready && !b.removed && !exclude.has(b));
    if (live.length === 0) return undefined;
    return live[this.next++ % live.length];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const tried = new Set<Backend>();
    for (;;) {
      const backend = this.pick(tried);
      if (!backend) return this.fail(req, res, 503, tried.size ? 'every ready backend refused the connection' : 'no ready backend');
      tried.add(backend);
      const outcome = await this.forward(backend, req, body, res);
      if (outcome === 'sent') return;
      if (outcome !== 'refused') return this.fail(req, res, 502, outcome);
      backend.ready = false; // until its probe says otherwise
    }
  }

  /** 'sent', 'refused' (nothing reached the backend: try another), or why the request failed after it was sent. */
  private forward(backend: Backend, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<string> {
    const headers: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
    headers['content-length'] = String(body.length);
    return new Promise((resolve) => {
      const upstream = httpRequest(
        { host: backend.url.hostname, port: backend.url.port, method: req.method, path: req.url, headers, agent: backend.agent },
        (answer) => {
          backend.forwarded++;
          const out: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
          res.writeHead(answer.statusCode ?? 502, out);
          answer.pipe(res);
          answer.on('end', () => resolve('sent'));
          answer.on('error', (error) => {
            res.destroy(error);
            resolve('sent');
          });
        },
      );
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED') return resolve('refused');
        resolve(`${backend.url.origin}: ${error.code ?? error.message}${upstream.reusedSocket ? ' (on a kept-alive connection)' : ''}`);
      });
      upstream.end(body);
    });
  }

  private fail(req: IncomingMessage, res: ServerResponse, status: number, reason: string): void {
    this.failures.push({ at: Date.now(), status, reason, path: req.url ?? '' });
    if (res.headersSent) return void res.destroy();
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(reason);
  }
}
