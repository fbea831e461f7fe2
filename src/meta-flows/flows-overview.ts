import { endpointUriOf } from './meta-flows.config.js';
import type { MetaFlowsClient } from './meta-flows.client.js';
import { sameFlowJson } from './deploy-plan.js';
import { readFlowJsonText, type LocalFlow } from './local-flows.js';
import type { MetaFlow } from './meta-flow.types.js';

/** One line of `flows list` and of GET /admin/flows. */
export interface FlowOverview {
  /** The local flow's name; null for a flow on Meta that no module owns. */
  flow: string | null;
  metaName: string;
  /** Meta's id; null when Meta has no flow of that name. */
  id: string | null;
  status: string | null;
  jsonVersion: string | null;
  endpointUri: string | null;
  /** True when Meta's endpoint_uri is PUBLIC_URL/flows/<flow> (a tenant's: PUBLIC_URL/flows/<tenant>/<flow>). */
  endpointOk: boolean | null;
  /** True when Meta's Flow JSON equals the local file (null: not compared, no module or no flow). */
  inSync: boolean | null;
  validationErrors: number | null;
  canSendMessage: string | null;
}

/** Every local flow beside Meta's flow of the same name, then Meta's flows that no module owns. */
export async function flowsOverview(client: MetaFlowsClient, locals: LocalFlow[], publicUrl: string, tenant?: string): Promise<FlowOverview[]> {
  const remote = await client.list();
  const byName = new Map(remote.map((flow) => [flow.name, flow]));
  const rows: FlowOverview[] = [];
  for (const local of locals) {
    const summary = byName.get(local.metaName);
    byName.delete(local.metaName);
    if (!summary) {
      rows.push({
        flow: local.name,
        metaName: local.metaName,
        id: null,
        status: null,
        jsonVersion: null,
        endpointUri: null,
        endpointOk: null,
        inSync: null,
        validationErrors: null,
        canSendMessage: null,
      });
      continue;
    }
    const [details, remoteJson] = await Promise.all([client.get(summary.id), client.downloadJson(summary.id)]);
    rows.push({
      ...row(details),
      flow: local.name,
      metaName: local.metaName,
      endpointOk: details.endpoint_uri === endpointUriOf(publicUrl, local.name, tenant),
      inSync: sameFlowJson(readFlowJsonText(local), remoteJson),
    });
  }
  for (const orphan of byName.values()) rows.push({ ...row(orphan), flow: null, metaName: orphan.name, endpointOk: null, inSync: null });
  return rows;
}

function row(flow: MetaFlow) {
  return {
    id: flow.id,
    status: flow.status ?? null,
    jsonVersion: flow.json_version ?? null,
    endpointUri: flow.endpoint_uri ?? null,
    validationErrors: flow.validation_errors?.length ?? 0,
    canSendMessage: flow.health_status?.can_send_message ?? null,
  };
}
