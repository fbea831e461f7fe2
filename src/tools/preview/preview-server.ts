// The local server behind `npm run flow:preview`: serves the built page and a small JSON API. The
// page never holds a key: this server encrypts and signs each request like WhatsApp, sends it to the
// Flowgate endpoint, decrypts the reply and checks it against the Flow JSON.
import { existsSync, readdirSync, readFileSync, unwatchFile, watchFile } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FlowJson } from '../../flow-json/index.js';
import { FlowContract } from '../../flows-core/testing.js';
import { EndpointUnreachable, FlowClient, type ClientCredentials } from '../flow-client.js';
import { LocalCdn, serverMediaSettings } from './phone-media.js';
import { flowStart } from './flow-start.js';
import {
  contractProblem,
  errorMessageOf,
  initErrorProblem,
  mediaFetchProblem,
  replyProblem,
  replyVerdict,
  unreachableProblem,
  type Problem,
} from './preview-problems.js';

export interface PreviewServerOptions {
  flow: string;
  /** The flow's Flow JSON file; watched, the page reloads when it changes. */
  flowJsonFile: string;
  /** Base URL of the Flowgate endpoint, e.g. http://localhost:3000 */
  url: string;
  credentials: ClientCredentials;
  /** Default 3100; 0 picks a free port. */
  port?: number;
  host?: string;
  /** A fixed flow token (issued flows); default a fresh random one per run and per restart. */
  token?: string;
  /** Folder of the built page; default dist/preview of this project. */
  webRoot?: string;
  /** Where the local CDN's certificate is kept across runs; default .data/preview in the working directory. */
  cdnCertDir?: string;
  /** Port of the local HTTPS CDN; default 0 (a free one). */
  cdnPort?: number;
}

export interface PreviewServer {
  /** Where to open the page, e.g. http://127.0.0.1:3100/ */
  url: string;
  /** The local HTTPS CDN that serves picked files, and what Flowgate needs to download from it. */
  cdn: { url: string; caFile: string; newCertificate: boolean; serverSettings: Record<string, string> };
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
/** A picked file travels base64 in JSON: WhatsApp's own cap is 25 MiB a file. */
const MAX_MEDIA_BODY_BYTES = 36 * 1024 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

class BadRequest extends Error {}

/**
 * The page's Content-Security-Policy: its script and styles from this server only, images from it
 * or inline (Flow JSON images are base64), requests to this server and the preview's CDN only.
 */
export function contentSecurityPolicy(cdnUrl: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${new URL(cdnUrl).origin}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** dist/preview beside this module's project (works from src/ under jest and from dist/). */
function defaultWebRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  if (dir.endsWith('/dist') || dir.endsWith('\\dist')) dir = dirname(dir);
  return join(dir, 'dist', 'preview');
}

/** A path as the developer knows it: relative to the working directory when inside it. */
function shownPath(file: string): string {
  const inside = relative(process.cwd(), file);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : file;
}

function readFlowJsonFile(file: string): { flowJson?: FlowJson; error?: string } {
  try {
    const flowJson = JSON.parse(readFileSync(file, 'utf8')) as FlowJson;
    if (!Array.isArray(flowJson?.screens) || flowJson.screens.length === 0) return { error: `${shownPath(file)}: no "screens" array` };
    return { flowJson };
  } catch (error) {
    return { error: `${shownPath(file)}: ${(error as Error).message}` };
  }
}

async function readJsonBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/.test(request.headers['content-type'] ?? '')) throw new BadRequest('content-type must be application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BadRequest(`body over ${limit} bytes`);
    chunks.push(chunk);
  }
  try {
    const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('the body must be a JSON object');
    return body as Record<string, unknown>;
  } catch (error) {
    throw error instanceof BadRequest ? error : new BadRequest('the body is not valid JSON');
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const webRoot = options.webRoot ?? defaultWebRoot();
  if (!existsSync(join(webRoot, 'index.html')))
    throw new Error(`The preview page is not built (${webRoot}/index.html is missing): run npm run build`);
  const files = new Set(readdirSync(webRoot));
  const client = new FlowClient({ url: options.url, flow: options.flow, ...options.credentials });
  let token = options.token ?? FlowClient.randomToken('preview');
  let loaded = readFlowJsonFile(options.flowJsonFile);
  let version = Date.now();
  const listeners = new Set<ServerResponse>();
  const cdn = await LocalCdn.start({ certDir: options.cdnCertDir ?? join(process.cwd(), '.data', 'preview'), port: options.cdnPort });
  const policy = contentSecurityPolicy(cdn.url);

  // Polling works the same on every platform and editor (atomic saves replace the file).
  const onChange = () => {
    // A file saved half-edited keeps the last good screens on the page, with the error above them.
    const next = readFlowJsonFile(options.flowJsonFile);
    loaded = { flowJson: next.flowJson ?? loaded.flowJson, error: next.error };
    version = Date.now();
    for (const listener of listeners) listener.write(`event: flow-changed\ndata: ${version}\n\n`);
  };
  watchFile(options.flowJsonFile, { interval: 300 }, onChange);

  function flowInfo() {
    const start = loaded.flowJson ? flowStart(loaded.flowJson) : undefined;
    return {
      flow: options.flow,
      endpoint: options.url,
      file: shownPath(options.flowJsonFile),
      version,
      flowJson: loaded.flowJson,
      entry: start?.screen,
      // How WhatsApp opens this flow: INIT, or the entry screen without a request (see flow-start.ts).
      start,
      error: loaded.error,
      // The token identifies a session: the page sees only its start.
      token: { fixed: Boolean(options.token), hint: `${token.slice(0, 8)}…` },
    };
  }

  async function exchange(body: Record<string, unknown>) {
    const action = typeof body.action === 'string' ? body.action : '';
    if (!['INIT', 'BACK', 'data_exchange'].includes(action)) throw new BadRequest('action must be INIT, BACK or data_exchange');
    const screen = typeof body.screen === 'string' ? body.screen : undefined;
    const data = body.data && typeof body.data === 'object' && !Array.isArray(body.data) ? (body.data as Record<string, unknown>) : {};
    const request: Record<string, unknown> = action === 'INIT' ? { action, flow_token: token } : { action, screen, data, flow_token: token };
    // What the page shows of the request: the token shortened.
    const shown = { version: '3.0', ...request, flow_token: `${token.slice(0, 8)}…` };
    try {
      const reply = await client.send(request);
      let problem: Problem | undefined = replyProblem(options.flow, options.url, reply);
      const errorMessage = reply.status === 200 ? errorMessageOf(reply) : undefined;
      // An INIT answered with an error leaves the flow unopened: say why before anything else.
      if (action === 'INIT' && errorMessage !== undefined) problem ??= initErrorProblem(errorMessage, loaded.flowJson && flowStart(loaded.flowJson));
      let violations: string[] = [];
      if (reply.status === 200 && reply.body && loaded.flowJson) {
        violations = new FlowContract(loaded.flowJson).violations(action === 'INIT' ? undefined : screen, reply.body);
        problem ??= contractProblem(action === 'INIT' ? undefined : screen, violations);
      }
      problem ??= mediaFetchProblem(data, reply, { url: cdn.url, serverSettings: serverMediaSettings(cdn.caFile) });
      // A completion echoes the token in its params: the page sees its start only, there too.
      const body = reply.body
        ? (JSON.parse(JSON.stringify(reply.body).replaceAll(JSON.stringify(token), JSON.stringify(`${token.slice(0, 8)}…`))) as object)
        : null;
      return {
        request: shown,
        status: reply.status,
        reply: body,
        text: reply.text,
        durationMs: reply.durationMs,
        violations,
        verdict: replyVerdict(reply, violations),
        errorMessage,
        problem,
      };
    } catch (error) {
      if (!(error instanceof EndpointUnreachable)) throw error;
      return {
        request: shown,
        status: 0,
        reply: null,
        durationMs: 0,
        violations: [],
        verdict: 'no_reply',
        problem: unreachableProblem(options.url, error.message),
      };
    }
  }

  async function complete(body: Record<string, unknown>) {
    const payload = body.payload && typeof body.payload === 'object' && !Array.isArray(body.payload) ? (body.payload as Record<string, unknown>) : {};
    try {
      const answer = await client.postCompletion(token, payload);
      const problem: Problem | undefined =
        answer.status === 200
          ? undefined
          : {
              title: `The webhook answered HTTP ${answer.status}: ${answer.text.slice(0, 200)}`,
              fix:
                answer.status === 401 || answer.status === 403
                  ? 'Run the preview with the same WHATSAPP_APP_SECRET as the server.'
                  : "See Flowgate's log.",
            };
      return { status: answer.status, problem };
    } catch (error) {
      if (!(error instanceof EndpointUnreachable)) throw error;
      return { status: 0, problem: unreachableProblem(options.url, error.message) };
    }
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://preview').pathname;
    if (request.method === 'GET' && path === '/api/flow') return send(response, 200, flowInfo());
    if (request.method === 'GET' && path === '/api/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      response.write(`event: hello\ndata: ${version}\n\n`);
      listeners.add(response);
      request.on('close', () => listeners.delete(response));
      return;
    }
    if (request.method === 'POST' && path === '/api/exchange') return send(response, 200, await exchange(await readJsonBody(request)));
    if (request.method === 'POST' && path === '/api/complete') return send(response, 200, await complete(await readJsonBody(request)));
    if (request.method === 'POST' && path === '/api/restart') {
      await readJsonBody(request);
      if (!options.token) token = FlowClient.randomToken('preview');
      return send(response, 200, flowInfo());
    }
    if (request.method === 'POST' && path === '/api/media') {
      const body = await readJsonBody(request, MAX_MEDIA_BODY_BYTES);
      if (typeof body.file_name !== 'string' || typeof body.content_base64 !== 'string')
        throw new BadRequest('file_name and content_base64 are required');
      return send(response, 200, cdn.upload(body.file_name, Buffer.from(body.content_base64, 'base64')));
    }
    const name = path === '/' ? 'index.html' : path.slice(1);
    if (request.method === 'GET' && files.has(name)) {
      response.writeHead(200, {
        'content-type': TYPES[extname(name)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        'content-security-policy': policy,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
      response.end(readFileSync(join(webRoot, name)));
      return;
    }
    send(response, 404, { error: `Not found: ${request.method} ${path}` });
  }

  const server = createServer((request, response) => {
    // Only this machine's pages may drive a server that signs requests: refuse other hosts
    // (DNS rebinding) and other origins.
    const host = request.headers.host ?? '';
    const origin = request.headers.origin;
    const local = (value: string) => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(value);
    if (!local(host) || (origin !== undefined && !local(origin.replace(/^https?:\/\//, '')))) {
      send(response, 403, { error: 'The preview answers only pages it served itself' });
      return;
    }
    route(request, response).catch((error: unknown) => {
      if (error instanceof BadRequest) send(response, 400, { error: error.message });
      else send(response, 500, { error: `Preview server error: ${(error as Error).message}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => {
      unwatchFile(options.flowJsonFile, onChange);
      void cdn.close().finally(() => reject(error));
    });
    server.listen(options.port ?? 3100, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/`,
    cdn: { url: cdn.url, caFile: cdn.caFile, newCertificate: cdn.newCertificate, serverSettings: serverMediaSettings(cdn.caFile) },
    close: async () => {
      unwatchFile(options.flowJsonFile, onChange);
      for (const listener of listeners) listener.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await cdn.close();
    },
  };
}
