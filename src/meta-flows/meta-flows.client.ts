import { GraphApiClient, GraphApiError } from '../graph-api/index.js';
import type { ReadyMetaFlowsConfig } from './meta-flows.config.js';
import type { MetaAsset, MetaFlow, MetaMetric, MetaValidationError, MetricName } from './meta-flow.types.js';

/** The fields `get` asks for: everything deploy, list and status compare. */
export const FLOW_FIELDS = 'id,name,categories,status,validation_errors,json_version,data_api_version,endpoint_uri,health_status';
// The list asks for fewer: health_status is per flow and costly for Meta on a long list.
const LIST_FIELDS = 'id,name,categories,status,validation_errors';

type Method = 'GET' | 'POST' | 'DELETE';

/**
 * A typed client of Meta's Flows API, on the Graph API client: 429/5xx and Meta's throttling codes
 * are retried with its backoff; other answers throw GraphApiError
 * carrying Meta's `code`, `error_user_msg` (or `message`) and `fbtrace_id`.
 */
export class MetaFlowsClient {
  /** Write calls made (create, update, upload, publish, deprecate, delete): "up to date" means none. */
  writes = 0;
  private readonly graph: GraphApiClient;

  constructor(private readonly config: Pick<ReadyMetaFlowsConfig, 'graphBaseUrl' | 'accessToken' | 'wabaId' | 'maxTotalMs'>) {
    this.graph = new GraphApiClient({ baseUrl: config.graphBaseUrl, accessToken: config.accessToken, maxTotalMs: config.maxTotalMs });
  }

  private async call<T>(
    method: Method,
    path: string,
    options: { query?: Record<string, string>; body?: URLSearchParams | FormData } = {},
  ): Promise<T> {
    if (method !== 'GET') this.writes++;
    return this.graph.request<T>(method, path, options);
  }

  /** Every flow of the WhatsApp Business Account, following `paging.cursors.after`. */
  async list(): Promise<MetaFlow[]> {
    const flows: MetaFlow[] = [];
    let after: string | undefined;
    for (let page = 0; page < 100; page++) {
      const body = await this.call<{ data?: MetaFlow[]; paging?: { cursors?: { after?: string }; next?: string } }>(
        'GET',
        `${this.config.wabaId}/flows`,
        {
          query: { fields: LIST_FIELDS, limit: '100', ...(after ? { after } : {}) },
        },
      );
      flows.push(...(body?.data ?? []));
      after = body?.paging?.next ? body.paging.cursors?.after : undefined;
      if (!after) break;
    }
    return flows;
  }

  get(flowId: string, fields = FLOW_FIELDS): Promise<MetaFlow> {
    return this.call<MetaFlow>('GET', flowId, { query: { fields } });
  }

  /** Creates a DRAFT flow; Meta answers its id. */
  async create(input: { name: string; categories: string[]; endpointUri?: string; cloneFlowId?: string }): Promise<{ id: string }> {
    const body = new URLSearchParams({ name: input.name, categories: JSON.stringify(input.categories) });
    if (input.endpointUri) body.set('endpoint_uri', input.endpointUri);
    if (input.cloneFlowId) body.set('clone_flow_id', input.cloneFlowId);
    return this.call<{ id: string }>('POST', `${this.config.wabaId}/flows`, { body });
  }

  async updateMetadata(flowId: string, input: { name?: string; categories?: string[]; endpointUri?: string }): Promise<void> {
    const body = new URLSearchParams();
    if (input.name) body.set('name', input.name);
    if (input.categories) body.set('categories', JSON.stringify(input.categories));
    if (input.endpointUri) body.set('endpoint_uri', input.endpointUri);
    await this.call('POST', flowId, { body });
  }

  /** Uploads the Flow JSON as Meta's asset form asks: file `flow.json` (application/json), name, asset_type. */
  async uploadJson(flowId: string, json: string): Promise<{ validationErrors: MetaValidationError[] }> {
    const form = new FormData();
    form.set('file', new Blob([json], { type: 'application/json' }), 'flow.json');
    form.set('name', 'flow.json');
    form.set('asset_type', 'FLOW_JSON');
    const body = await this.call<{ validation_errors?: MetaValidationError[] }>('POST', `${flowId}/assets`, { body: form });
    return { validationErrors: body?.validation_errors ?? [] };
  }

  assets(flowId: string): Promise<MetaAsset[]> {
    return this.call<{ data?: MetaAsset[] }>('GET', `${flowId}/assets`).then((body) => body?.data ?? []);
  }

  /** The flow's current Flow JSON (text), or undefined when none was uploaded. */
  async downloadJson(flowId: string): Promise<string | undefined> {
    const asset = (await this.assets(flowId)).find((entry) => entry.asset_type === 'FLOW_JSON');
    if (!asset) return undefined;
    // The download URL is pre-signed: no token is sent to it.
    const body = await this.graph.download(asset.download_url);
    return typeof body === 'string' ? body : JSON.stringify(body);
  }

  async publish(flowId: string): Promise<void> {
    await this.call('POST', `${flowId}/publish`);
  }

  async deprecate(flowId: string): Promise<void> {
    await this.call('POST', `${flowId}/deprecate`);
  }

  async delete(flowId: string): Promise<void> {
    await this.call('DELETE', flowId);
  }

  /** The web preview; `invalidate` makes a new URL (the old one stops working). */
  async preview(flowId: string, invalidate = false): Promise<{ preview_url: string; expires_at: string }> {
    const body = await this.call<MetaFlow>('GET', flowId, { query: { fields: `preview.invalidate(${invalidate})` } });
    if (!body?.preview?.preview_url) throw new GraphApiError('Meta answered without a preview URL', 200);
    return body.preview;
  }

  /** One endpoint metric, e.g. ENDPOINT_REQUEST_COUNT by DAY between two dates (YYYY-MM-DD). */
  async metric(flowId: string, name: MetricName, range: { granularity: string; since?: string; until?: string }): Promise<MetaMetric | undefined> {
    const parts = [`name(${name})`, `granularity(${range.granularity})`];
    if (range.since) parts.push(`since(${range.since})`);
    if (range.until) parts.push(`until(${range.until})`);
    const body = await this.call<{ metric?: MetaMetric }>('GET', flowId, { query: { fields: `metric.${parts.join('.')}` } });
    return body?.metric;
  }
}
