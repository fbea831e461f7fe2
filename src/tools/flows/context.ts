import { flowModules } from '../../flows/index.js';
import { localFlowsOf, type LocalFlow } from '../../meta-flows/local-flows.js';
import { endpointUriOf, metaFlowsConfig, requireMetaFlowsConfig, type ReadyMetaFlowsConfig } from '../../meta-flows/meta-flows.config.js';
import { MetaFlowsClient } from '../../meta-flows/meta-flows.client.js';
import type { MetaFlow, MetaValidationError } from '../../meta-flows/meta-flow.types.js';
import { CliError } from '../keys/cli-error.js';
import { resolveTenant, tenantGraphToken } from '../tenant.js';
import { step, type Output } from './output.js';

export interface Context {
  config: ReadyMetaFlowsConfig;
  client: MetaFlowsClient;
  /** The flow modules of src/flows/index.ts, read from their metadata (nothing is started). */
  locals: LocalFlow[];
  /** --tenant: the tenant whose WABA, Graph token and data endpoint the command works with. */
  tenant?: string;
  /** Where Meta must send the flow's requests: PUBLIC_URL/flows/<flow>, or the tenant's /flows/<tenant>/<flow>. */
  endpointUri(flow: string): string;
}

/**
 * PUBLIC_URL is the origin Meta calls (`PUBLIC_URL/flows/<flow>`), and the server serves its flows at
 * /flows/ of that origin: a path in it would give Meta endpoints that answer 404.
 */
export function requireOrigin(url: string, name = 'PUBLIC_URL'): void {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed && parsed.pathname !== '/') {
    throw new CliError(
      `${name} must be the origin Meta calls, without a path: ${parsed.origin}, not ${url} (flow x is served at ${parsed.origin}/flows/x)`,
    );
  }
}

/**
 * The Flows API for the configured WABA and token, or with `tenant` (--tenant) for the tenant's WABA
 * (tenant.json) and graph-token; PUBLIC_URL is the same origin for every tenant.
 */
export function createContext(tenantName?: string): Context {
  const tenant = tenantName ? resolveTenant(tenantName) : undefined;
  const settings = metaFlowsConfig();
  const config = requireMetaFlowsConfig(tenant ? { ...settings, wabaId: tenant.wabaId, accessToken: tenantGraphToken(tenant) } : settings);
  requireOrigin(config.publicUrl);
  return {
    config,
    client: new MetaFlowsClient(config),
    locals: localFlowsOf(flowModules),
    tenant: tenant?.name,
    endpointUri: (flow) => endpointUriOf(config.publicUrl, flow, tenant?.name),
  };
}

export function localFlow(context: Context, name: string | undefined): LocalFlow {
  if (!name) throw new CliError('Name a flow, e.g. npm run flows -- status inventory');
  const flow = context.locals.find((candidate) => candidate.name === name);
  if (!flow) throw new CliError(`No flow module named "${name}" (local flows: ${context.locals.map((f) => f.name).join(', ') || 'none'})`);
  return flow;
}

/** Meta's flow of the module's name (with every field), or undefined. */
export async function remoteFlow(context: Context, flow: LocalFlow): Promise<MetaFlow | undefined> {
  const summary = (await step('Listing the flows on Meta', () => context.client.list())).find((remote) => remote.name === flow.metaName);
  return summary ? step(`Reading "${flow.metaName}" from Meta`, () => context.client.get(summary.id)) : undefined;
}

export async function requireRemoteFlow(context: Context, flow: LocalFlow): Promise<MetaFlow> {
  const remote = await remoteFlow(context, flow);
  if (!remote) throw new CliError(`Meta has no flow named "${flow.metaName}": create it with npm run flows -- deploy ${flow.name}`);
  return remote;
}

/** Meta's validation errors at the place in the local file, as editors and CI annotate them. */
export function printValidationErrors(output: Output, flow: LocalFlow, errors: MetaValidationError[]): void {
  for (const error of errors) {
    const line = error.line_start ?? error.pointers?.[0]?.line_start ?? 1;
    const column = error.column_start ?? error.pointers?.[0]?.column_start ?? 1;
    const path = error.pointers?.find((pointer) => pointer.path)?.path;
    output.printError(`${flow.displayFile}:${line}:${column}  ${error.message}${path ? ` (${path})` : ''}`);
  }
}
