/** What the data endpoint knows about a request, for its metrics; set on the raw request as it goes. */
export interface FlowRequestLabels {
  flow: string;
  screen: string;
  action: string;
  outcome: string;
}

type RawWithLabels = { flowMetrics?: FlowRequestLabels; flowProbe?: boolean };

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
