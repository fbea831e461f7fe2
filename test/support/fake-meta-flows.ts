import { randomBytes } from 'node:crypto';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { RecordedRequest, ScriptedAnswer } from './fake-graph-api.js';

/** A Graph API error body as Meta sends it. */
export function metaError(
  status: number,
  code: number,
  message: string,
  extra: { error_subcode?: number; error_user_title?: string; error_user_msg?: string; type?: string } = {},
): ScriptedAnswer {
  return {
    status,
    body: { error: { message, type: extra.type ?? 'OAuthException', code, ...extra, fbtrace_id: `Fk${randomBytes(8).toString('hex')}` } },
  };
}

export interface FakeFlow {
  id: string;
  name: string;
  categories: string[];
  status: 'DRAFT' | 'PUBLISHED' | 'DEPRECATED' | 'BLOCKED' | 'THROTTLED';
  endpoint_uri?: string;
  json?: string;
  validation_errors: Array<Record<string, unknown>>;
  can_send_message: 'AVAILABLE' | 'LIMITED' | 'BLOCKED';
}

const CATEGORIES = new Set(['SIGN_UP', 'SIGN_IN', 'APPOINTMENT_BOOKING', 'LEAD_GENERATION', 'CONTACT_US', 'CUSTOMER_SUPPORT', 'SURVEY', 'OTHER']);
const COMPONENTS = new Set([
  'Form',
  'TextHeading',
  'TextSubheading',
  'TextBody',
  'TextCaption',
  'RichText',
  'TextInput',
  'TextArea',
  'CheckboxGroup',
  'RadioButtonsGroup',
  'Footer',
  'OptIn',
  'Dropdown',
  'EmbeddedLink',
  'DatePicker',
  'CalendarPicker',
  'Image',
  'ImageCarousel',
  'If',
  'Switch',
  'NavigationList',
  'ChipsSelector',
  'PhotoPicker',
  'DocumentPicker',
]);

/** 1-based line and column of a character offset. */
function at(text: string, offset: number) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { line, column };
}

function validationError(text: string, offset: number, length: number, error: string, message: string, path?: string) {
  const start = at(text, offset);
  const end = at(text, offset + length);
  return {
    error,
    error_type: 'FLOW_JSON_ERROR',
    message,
    line_start: start.line,
    line_end: end.line,
    column_start: start.column,
    column_end: end.column,
    pointers: [{ line_start: start.line, line_end: end.line, column_start: start.column, column_end: end.column, ...(path ? { path } : {}) }],
  };
}

/**
 * What Meta's Flow JSON validation reports, with lines and columns, for what this fake checks: JSON
 * syntax, a version, and component types (an unknown one is reported where it is written).
 */
export function validateFlowJson(text: string, unsupported: ReadonlySet<string> = new Set()): Array<Record<string, unknown>> {
  const syntax: ParseError[] = [];
  const json: any = parse(text, syntax, { disallowComments: true, allowTrailingComma: false });
  if (syntax.length)
    return [validationError(text, syntax[0].offset, syntax[0].length, 'INVALID_JSON', `Invalid JSON: ${printParseErrorCode(syntax[0].error)}`)];
  const errors: Array<Record<string, unknown>> = [];
  if (typeof json?.version !== 'string') errors.push(validationError(text, 0, 1, 'MISSING_REQUIRED_PROPERTY', "Missing required property 'version'"));
  let searchFrom = 0;
  const visit = (node: any, path: string) => {
    if (Array.isArray(node)) return node.forEach((child, i) => visit(child, `${path}[${i}]`));
    if (!node || typeof node !== 'object') return;
    if (typeof node.type === 'string' && path.includes('children')) {
      const match = new RegExp(`"type"\\s*:\\s*"${node.type}"`).exec(text.slice(searchFrom));
      const offset = match ? searchFrom + match.index : 0;
      if (match) searchFrom = offset + match[0].length;
      if (!COMPONENTS.has(node.type)) {
        errors.push(
          validationError(
            text,
            offset,
            match?.[0].length ?? 1,
            'INVALID_PROPERTY_VALUE',
            `Invalid value found for property 'type': '${node.type}' is not a component`,
            `${path}.type`,
          ),
        );
      } else if (unsupported.has(node.type)) {
        errors.push(
          validationError(
            text,
            offset,
            match?.[0].length ?? 1,
            'UNSUPPORTED_COMPONENT',
            `Component '${node.type}' is not supported in Flow JSON version ${json.version}`,
            `${path}.type`,
          ),
        );
      }
    }
    for (const [key, value] of Object.entries(node)) if (key !== 'data' && typeof value === 'object') visit(value, `${path}.${key}`);
  };
  visit(json?.screens, 'screens');
  return errors;
}

/** Multipart or urlencoded form fields (the asset upload and the form-encoded calls). */
async function formOf(request: RecordedRequest): Promise<FormData | undefined> {
  const type = request.headers['content-type'] ?? '';
  if (!type.includes('multipart/form-data') && !type.includes('application/x-www-form-urlencoded')) return undefined;
  return new Request('http://fake.invalid/', { method: 'POST', headers: { 'content-type': type }, body: request.raw }).formData();
}

/** Fields of a form or JSON body. */
async function fieldsOf(request: RecordedRequest): Promise<Record<string, unknown>> {
  if (request.json && typeof request.json === 'object') return request.json;
  const form = await formOf(request);
  return form ? Object.fromEntries([...form.entries()].filter(([, value]) => typeof value === 'string')) : {};
}

const ok = (body: unknown): ScriptedAnswer => ({ status: 200, body });

/**
 * Meta's Flows API for one WhatsApp Business Account, as its reference and lifecycle pages describe
 * it: flows are created as DRAFT, the JSON is uploaded as a multipart asset and validated with lines
 * and columns, publish is refused while errors remain, and editing a published flow's JSON or
 * metadata puts it back to DRAFT until it is published again. Lists are paged.
 */
export class FakeMetaFlows {
  readonly flows = new Map<string, FakeFlow>();
  /** Components this validator refuses, to make Meta report errors in a file that is otherwise valid. */
  readonly unsupportedComponents = new Set<string>();
  private nextId = 1000000000000001n;

  constructor(private readonly options: { wabaId: string; accessToken: string; pageSize?: number; baseUrl: () => string }) {}

  /** A flow as if made in Meta's Flow Builder (no module owns it, or to set up a state). */
  add(flow: Partial<FakeFlow> & { name: string }): FakeFlow {
    const created: FakeFlow = {
      id: String(this.nextId++),
      categories: ['OTHER'],
      status: 'DRAFT',
      validation_errors: [],
      can_send_message: 'AVAILABLE',
      ...flow,
    };
    this.flows.set(created.id, created);
    return created;
  }

  byName(name: string): FakeFlow | undefined {
    return [...this.flows.values()].find((flow) => flow.name === name);
  }

  async handle(request: RecordedRequest): Promise<ScriptedAnswer | { status: number; text: string } | undefined> {
    const parts = request.path.split('/').filter(Boolean);
    if (parts[0] === 'cdn' && parts[1] === 'flows') {
      const flow = this.flows.get(parts[2]);
      return flow?.json !== undefined ? { status: 200, text: flow.json } : metaError(404, 100, 'Not found');
    }
    const isWaba = parts[0] === this.options.wabaId && parts[1] === 'flows';
    const flow = this.flows.get(parts[0]);
    if (!isWaba && !flow && !/^\d{15,}$/.test(parts[0] ?? '')) return undefined; // not a Flows API path

    if (request.headers.authorization !== `Bearer ${this.options.accessToken}`) {
      return metaError(401, 190, 'Invalid OAuth access token - Cannot parse access token', {
        error_user_msg: 'The access token is invalid or expired',
      });
    }
    if (isWaba) return request.method === 'GET' ? this.list(request) : this.create(request);
    if (!flow)
      return metaError(400, 100, `Unsupported ${request.method.toLowerCase()} request. Object with ID '${parts[0]}' does not exist`, {
        error_subcode: 33,
        type: 'GraphMethodException',
      });
    const action = parts[1];
    if (!action && request.method === 'GET') return this.read(flow, request.query.get('fields') ?? '');
    if (!action && request.method === 'POST') return this.updateMetadata(flow, await fieldsOf(request));
    if (!action && request.method === 'DELETE') return this.remove(flow);
    if (action === 'assets' && request.method === 'GET') {
      return ok({
        data:
          flow.json === undefined
            ? []
            : [{ name: 'flow.json', asset_type: 'FLOW_JSON', download_url: `${this.options.baseUrl()}/cdn/flows/${flow.id}/flow.json?token=signed` }],
      });
    }
    if (action === 'assets' && request.method === 'POST') return this.upload(flow, request);
    if (action === 'publish' && request.method === 'POST') return this.publish(flow);
    if (action === 'deprecate' && request.method === 'POST') return this.deprecate(flow);
    return metaError(400, 100, `Unknown path components: /${action}`, { type: 'GraphMethodException' });
  }

  private list(request: RecordedRequest): ScriptedAnswer {
    const all = [...this.flows.values()];
    const size = Math.min(Number(request.query.get('limit') ?? 25), this.options.pageSize ?? 25);
    const start = Number(request.query.get('after') ? Buffer.from(request.query.get('after')!, 'base64url').toString() : 0);
    const page = all.slice(start, start + size);
    const after = Buffer.from(String(start + page.length)).toString('base64url');
    const more = start + page.length < all.length;
    return ok({
      data: page.map((flow) => ({
        id: flow.id,
        name: flow.name,
        status: flow.status,
        categories: flow.categories,
        validation_errors: flow.validation_errors,
      })),
      paging: {
        cursors: { before: Buffer.from(String(start)).toString('base64url'), after },
        ...(more ? { next: `${this.options.baseUrl()}${request.path}?after=${after}` } : {}),
      },
    });
  }

  private async create(request: RecordedRequest): Promise<ScriptedAnswer> {
    const fields = await fieldsOf(request);
    const name = typeof fields.name === 'string' ? fields.name : '';
    if (!name) return metaError(400, 100, '(#100) The parameter name is required');
    let categories: unknown;
    try {
      categories = typeof fields.categories === 'string' ? JSON.parse(fields.categories) : fields.categories;
    } catch {
      categories = undefined;
    }
    if (!Array.isArray(categories) || categories.length === 0 || !categories.every((c) => CATEGORIES.has(c))) {
      return metaError(400, 100, 'Invalid parameter', {
        error_user_title: 'Invalid categories',
        error_user_msg: 'At least one valid Flow category is required',
      });
    }
    if (this.byName(name)) {
      return metaError(400, 100, 'Invalid parameter', {
        error_subcode: 4016019,
        error_user_title: 'Flow name is not unique',
        error_user_msg: 'Flow name should be unique within one WhatsApp Business Account',
      });
    }
    const source = typeof fields.clone_flow_id === 'string' ? this.flows.get(fields.clone_flow_id) : undefined;
    const flow = this.add({
      name,
      categories: categories as string[],
      endpoint_uri: typeof fields.endpoint_uri === 'string' ? fields.endpoint_uri : source?.endpoint_uri,
      json: source?.json,
    });
    if (flow.json) flow.validation_errors = validateFlowJson(flow.json, this.unsupportedComponents);
    return ok({ id: flow.id, success: true });
  }

  private read(flow: FakeFlow, fields: string): ScriptedAnswer {
    if (fields.startsWith('preview.')) {
      return ok({
        id: flow.id,
        preview: {
          preview_url: `https://business.facebook.com/wa/manage/flows/${flow.id}/preview/?token=${randomBytes(8).toString('hex')}`,
          expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d+Z$/, '+0000'),
        },
      });
    }
    if (fields.startsWith('metric.')) {
      const name = /name\(([A-Z_]+)\)/.exec(fields)?.[1] ?? '';
      const granularity = /granularity\(([A-Z]+)\)/.exec(fields)?.[1] ?? 'DAY';
      const data: Record<string, Array<{ key: string; value: number }>> = {
        ENDPOINT_REQUEST_COUNT: [{ key: 'value', value: 120 }],
        ENDPOINT_REQUEST_ERROR: [
          { key: 'timeout_error', value: 2 },
          { key: 'unexpected_http_status_code', value: 1 },
        ],
        ENDPOINT_REQUEST_ERROR_RATE: [{ key: 'value', value: 2.5 }],
        ENDPOINT_REQUEST_LATENCY_SECONDS_CEIL: [
          { key: 'p50', value: 1 },
          { key: 'p90', value: 2 },
        ],
        ENDPOINT_AVAILABILITY: [{ key: 'value', value: 99.2 }],
      };
      return ok({ id: flow.id, metric: { name, granularity, data_points: [{ timestamp: '2026-11-30T00:00:00+0000', data: data[name] ?? [] }] } });
    }
    let version: string | undefined;
    let dataApi: string | undefined;
    try {
      ({ version, data_api_version: dataApi } = flow.json ? JSON.parse(flow.json) : {});
    } catch {
      version = undefined;
    }
    return ok({
      id: flow.id,
      name: flow.name,
      categories: flow.categories,
      status: flow.status,
      validation_errors: flow.validation_errors,
      ...(version ? { json_version: version } : {}),
      ...(dataApi ? { data_api_version: dataApi } : {}),
      ...(flow.endpoint_uri ? { endpoint_uri: flow.endpoint_uri } : {}),
      health_status: {
        can_send_message: flow.can_send_message,
        entities: [
          {
            entity_type: 'FLOW',
            id: flow.id,
            can_send_message: flow.can_send_message,
            ...(flow.can_send_message === 'BLOCKED'
              ? {
                  errors: [
                    {
                      error_code: 131063,
                      error_description: 'The flow endpoint is unavailable',
                      possible_solution: 'Check the endpoint and its TLS certificate',
                    },
                  ],
                }
              : {}),
          },
          { entity_type: 'WABA', id: this.options.wabaId, can_send_message: 'AVAILABLE' },
        ],
      },
    });
  }

  // Meta's lifecycle: editing a published flow (metadata or JSON) puts it back to DRAFT.
  private edit(flow: FakeFlow): ScriptedAnswer | undefined {
    if (flow.status === 'DEPRECATED')
      return metaError(400, 100, 'Invalid parameter', {
        error_user_title: 'Flow is deprecated',
        error_user_msg: 'A deprecated flow can not be modified',
      });
    if (flow.status === 'PUBLISHED' || flow.status === 'THROTTLED' || flow.status === 'BLOCKED') flow.status = 'DRAFT';
    return undefined;
  }

  private updateMetadata(flow: FakeFlow, fields: Record<string, unknown>): ScriptedAnswer {
    const refused = this.edit(flow);
    if (refused) return refused;
    if (typeof fields.name === 'string') flow.name = fields.name;
    if (typeof fields.categories === 'string') flow.categories = JSON.parse(fields.categories);
    if (typeof fields.endpoint_uri === 'string') flow.endpoint_uri = fields.endpoint_uri;
    return ok({ success: true });
  }

  private async upload(flow: FakeFlow, request: RecordedRequest): Promise<ScriptedAnswer> {
    const form = await formOf(request);
    if (!form || !request.headers['content-type']?.includes('multipart/form-data'))
      return metaError(400, 100, 'The asset must be sent as multipart/form-data');
    const file = form.get('file');
    if (!(file instanceof File)) return metaError(400, 100, '(#100) The parameter file is required');
    if (file.name !== 'flow.json' || !file.type.startsWith('application/json')) {
      return metaError(400, 100, 'Invalid parameter', {
        error_user_msg: `file must be flow.json of type application/json (got ${file.name}, ${file.type || 'no type'})`,
      });
    }
    if (form.get('name') !== 'flow.json' || form.get('asset_type') !== 'FLOW_JSON') {
      return metaError(400, 100, 'Invalid parameter', { error_user_msg: 'name must be flow.json and asset_type FLOW_JSON' });
    }
    const refused = this.edit(flow);
    if (refused) return refused;
    flow.json = await file.text();
    flow.validation_errors = validateFlowJson(flow.json, this.unsupportedComponents);
    return ok({ success: true, validation_errors: flow.validation_errors });
  }

  private publish(flow: FakeFlow): ScriptedAnswer {
    if (flow.status !== 'DRAFT')
      return metaError(400, 100, 'Invalid parameter', {
        error_user_title: 'Flow can not be published',
        error_user_msg: `Only a draft flow can be published; this flow is ${flow.status}`,
      });
    if (flow.json === undefined || flow.validation_errors.length) {
      return metaError(400, 139001, 'Publishing Flow failed', {
        error_subcode: 4016012,
        error_user_title: 'Flow can not be published',
        error_user_msg: 'Fix the validation errors of the Flow JSON before publishing',
      });
    }
    if (!flow.endpoint_uri)
      return metaError(400, 139001, 'Publishing Flow failed', {
        error_user_msg: 'The flow uses a data endpoint: set endpoint_uri before publishing',
      });
    flow.status = 'PUBLISHED';
    return ok({ success: true });
  }

  private deprecate(flow: FakeFlow): ScriptedAnswer {
    if (flow.status !== 'PUBLISHED') return metaError(400, 100, 'Invalid parameter', { error_user_msg: 'Only a published flow can be deprecated' });
    flow.status = 'DEPRECATED';
    return ok({ success: true });
  }

  private remove(flow: FakeFlow): ScriptedAnswer {
    if (flow.status !== 'DRAFT') return metaError(400, 100, 'Invalid parameter', { error_user_msg: 'Only a draft flow can be deleted' });
    this.flows.delete(flow.id);
    return ok({ success: true });
  }
}
