import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram } from 'prom-client';
import { decryptResponse, encryptRequest, FlowKeyRing, FlowRegistry, Tenants, type AesSession, type Tenant } from '../flows-core/server.js';
import { AppSecrets } from '../hub-signature/index.js';
import { markProbeRequest } from '../metrics/flow-request-metrics.js';
import { FLOW_SECONDS, Metrics } from '../metrics/metrics.service.js';
import { probeConfig } from './probe.config.js';

/** A probe request carries this header: the mark signed with the app secret, so nobody else can hide a request. */
export const PROBE_HEADER = 'x-flowgate-probe';
const PROBE_MARK = Buffer.from('flowgate-probe');

export type ProbeResult = 'ok' | 'http_error' | 'bad_answer' | 'timeout' | 'connection_error';

/** What one ping goes out as: the endpoint's path, the key it is encrypted for, the secrets that sign it. */
interface ProbeTarget {
  flow: string;
  /** The tenant whose endpoint (/flows/<tenant>/<flow>) is pinged; undefined: the single-tenant endpoint. */
  tenant?: Tenant;
  path: string;
  publicKey: Parameters<typeof encryptRequest>[1];
  secrets: AppSecrets;
}

/**
 * The synthetic ping, sent the way WhatsApp checks an endpoint's availability: for every flow, a
 * `ping` encrypted for the current public key and signed with the current app secret, POSTed to the
 * flow's data endpoint (PUBLIC_URL, or this process's listener), and the reply decrypted. Counts
 * each result and times it (`flowgate_probe_*`); the alert rules read Meta's availability off them.
 * Each tenant's endpoints are pinged too, with the tenant's key and app secret, and also counted by
 * tenant (`flowgate_tenant_probe_requests_total`). The pings themselves are kept out of the data
 * endpoint's request metrics (Meta never sees them).
 */
@Injectable()
export class FlowProber implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FlowProber.name);
  private readonly requests: Counter<'flow' | 'target' | 'result'>;
  private readonly tenantRequests: Counter<'tenant' | 'flow' | 'target' | 'result'>;
  private readonly duration: Histogram<'flow' | 'target'>;
  private readonly failing = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly stopping = new AbortController();

  constructor(
    private readonly registry: FlowRegistry,
    private readonly ring: FlowKeyRing,
    private readonly secrets: AppSecrets,
    private readonly tenants: Tenants,
    private readonly http: HttpAdapterHost,
    metrics: Metrics,
    @Inject(probeConfig.KEY) private readonly config: ConfigType<typeof probeConfig>,
  ) {
    this.requests = new Counter({
      name: 'flowgate_probe_requests_total',
      help: 'Synthetic signed and encrypted pings of each flow, by target (local listener or public URL) and result (ok, http_error, bad_answer, timeout, connection_error)',
      labelNames: ['flow', 'target', 'result'] as const,
      registers: [metrics.registry],
    });
    this.tenantRequests = new Counter({
      name: 'flowgate_tenant_probe_requests_total',
      help: "Synthetic pings of a tenant's endpoints (/flows/<tenant>/<flow>), by tenant, flow, target and result (also counted in flowgate_probe_requests_total)",
      labelNames: ['tenant', 'flow', 'target', 'result'] as const,
      registers: [metrics.registry],
    });
    this.duration = new Histogram({
      name: 'flowgate_probe_duration_seconds',
      help: 'Time of a synthetic ping, from the request to the decrypted reply (or the failure)',
      labelNames: ['flow', 'target'] as const,
      buckets: FLOW_SECONDS,
      registers: [metrics.registry],
    });
  }

  private get target(): 'local' | 'public' {
    return this.config.url ? 'public' : 'local';
  }

  onModuleInit(): void {
    // Every replica recognises the pings of every other one (a ping to PUBLIC_URL lands anywhere).
    if (!this.http.httpAdapter) return;
    this.http.httpAdapter.getInstance<FastifyInstance>().addHook('onRequest', (request, _reply, done) => {
      const mark = request.headers[PROBE_HEADER];
      if (mark !== undefined && this.markSecrets(request.url).verify(PROBE_MARK, mark)) markProbeRequest(request.raw);
      done();
    });
  }

  onApplicationBootstrap(): void {
    if (!this.config.intervalS || !this.http.httpAdapter) return;
    this.timer = setInterval(() => void this.probeAll(), this.config.intervalS * 1000);
    this.timer.unref();
    this.logger.log(
      `Synthetic ping of every flow every ${this.config.intervalS} s to ${this.config.url ?? 'this process (its own listener)'} (FLOW_PROBE_INTERVAL_S)`,
    );
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await this.running;
  }

  /** Pings every flow once (a round still running is not started twice). */
  probeAll(): Promise<void> {
    this.running ??= (async () => {
      try {
        const base = this.baseUrl();
        if (base) await Promise.all(this.targets().map((target) => this.probe(base, target)));
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Every flow on the single-tenant endpoint, then on each tenant's, with that tenant's current key and secrets. */
  private targets(): ProbeTarget[] {
    const flows = this.registry.names();
    const single = flows.map((flow) => ({
      flow,
      path: `/flows/${encodeURIComponent(flow)}`,
      publicKey: this.ring.current().publicKey,
      secrets: this.secrets,
    }));
    const tenants = this.tenants.list().flatMap((tenant) => {
      const key = tenant.candidates()[0];
      if (!key) return [];
      return flows.map((flow) => ({
        flow,
        tenant,
        path: `/flows/${tenant.name}/${encodeURIComponent(flow)}`,
        publicKey: key.publicKey,
        secrets: tenant.secrets,
      }));
    });
    return [...single, ...tenants];
  }

  /** The secrets a probe mark on `url` is signed with: the tenant's on its endpoint, else the single-tenant ones. */
  private markSecrets(url: string): AppSecrets {
    // /flows/<tenant>/<flow> is a tenant's; /flows/<flow> the single-tenant endpoint's, whatever the flow is named.
    const [, root, tenant, flow] = url.split('?')[0].split('/');
    return (root === 'flows' && flow !== undefined && this.tenants.get(tenant)?.secrets) || this.secrets;
  }

  private async probe(base: string, target: ProbeTarget): Promise<void> {
    const { flow, tenant } = target;
    const { envelope, session } = encryptRequest({ version: '3.0', action: 'ping' }, target.publicKey);
    const body = Buffer.from(JSON.stringify(envelope));
    const started = performance.now();
    let result: ProbeResult;
    let detail: string;
    try {
      const response = await fetch(`${base}${target.path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': target.secrets.sign(body) ?? '',
          [PROBE_HEADER]: target.secrets.sign(PROBE_MARK) ?? '',
        },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(this.config.timeoutMs), this.stopping.signal]),
      });
      const text = await response.text();
      result = response.status !== 200 ? 'http_error' : answersActive(text, session) ? 'ok' : 'bad_answer';
      detail = result === 'bad_answer' ? 'the reply is not an encrypted {"data":{"status":"active"}}' : `HTTP ${response.status}`;
    } catch (error) {
      if (this.stopping.signal.aborted) return;
      const err = error as Error & { cause?: { code?: string; message?: string } };
      const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
      result = timedOut ? 'timeout' : 'connection_error';
      detail = timedOut ? `no answer in ${this.config.timeoutMs} ms` : (err.cause?.code ?? err.cause?.message ?? err.message);
    }
    const labels = { flow, target: this.target };
    this.requests.inc({ ...labels, result });
    if (tenant) this.tenantRequests.inc({ ...labels, tenant: tenant.name, result });
    this.duration.observe(labels, (performance.now() - started) / 1000);
    this.logTransition(target, base, result, detail);
  }

  /** One line when a flow's ping starts failing (or fails differently), one when it recovers. */
  private logTransition(target: ProbeTarget, base: string, result: ProbeResult, detail: string): void {
    const what = target.tenant ? `flow "${target.flow}" of tenant "${target.tenant.name}"` : `flow "${target.flow}"`;
    const before = this.failing.get(target.path);
    if (result === 'ok') {
      if (before) this.logger.log(`Synthetic ping of ${what} at ${base} answers again`);
      this.failing.delete(target.path);
      return;
    }
    const now = `${result}: ${detail}`;
    if (before !== now) this.logger.warn(`Synthetic ping of ${what} at ${base} failed (${now})`);
    this.failing.set(target.path, now);
  }

  /** The configured URL, or this process's own listener (undefined until it listens). */
  private baseUrl(): string | undefined {
    if (this.config.url) return this.config.url;
    const address = this.http.httpAdapter.getHttpServer()?.address() as AddressInfo | string | null;
    if (!address || typeof address === 'string') return undefined;
    const host = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }
}

function answersActive(text: string, session: AesSession): boolean {
  try {
    const reply = decryptResponse(text, session) as { data?: { status?: unknown } };
    return reply?.data?.status === 'active';
  } catch {
    return false;
  }
}
