/** What the data endpoint knows about a request, for its metrics; set on the raw request as it goes. */
export interface FlowRequestLabels {
  flow: string;
  screen: string;
  action: string;
  outcome: string;
}

type RawWithLabels = { flowMetrics?: FlowRequestLabels; flowProbe?: boolean; flowTenant?: string };

export function setFlowLabels(raw: unknown, labels: Partial<FlowRequestLabels>): void {
  const target = raw as RawWithLabels;
  if (target.flowMetrics) Object.assign(target.flowMetrics, labels);
  else target.flowMetrics = { flow: 'unknown', screen: '', action: '', outcome: 'ok', ...labels };
}

export function flowLabels(raw: unknown): FlowRequestLabels | undefined {
  return (raw as RawWithLabels).flowMetrics;
}

/** Marks a request as the synthetic probe's own (src/probe): it is counted in the probe's series only. */
export function markProbeRequest(raw: unknown): void {
  (raw as RawWithLabels).flowProbe = true;
}

export const isProbeRequest = (raw: unknown): boolean => (raw as RawWithLabels).flowProbe === true;

/**
 * Marks a request as a tenant's (its endpoint `/flows/<tenant>/<flow>`): counted in the tenant series
 * too, and its log line names the tenant. Single-tenant requests carry nothing.
 */
export function setFlowTenant(raw: unknown, tenant: string): void {
  (raw as RawWithLabels).flowTenant = tenant;
}

export const flowTenantOf = (raw: unknown): string | undefined => (raw as RawWithLabels).flowTenant;
