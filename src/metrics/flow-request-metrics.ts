/** What the data endpoint knows about a request, for its metrics; set on the raw request as it goes. */
export interface FlowRequestLabels {
  flow: string;
  screen: string;
  action: string;
  outcome: string;
}

type RawWithLabels = { flowMetrics?: FlowRequestLabels };

export function setFlowLabels(raw: unknown, labels: Partial<FlowRequestLabels>): void {
  const target = raw as RawWithLabels;
  if (target.flowMetrics) Object.assign(target.flowMetrics, labels);
  else target.flowMetrics = { flow: 'unknown', screen: '', action: '', outcome: 'ok', ...labels };
}

export function flowLabels(raw: unknown): FlowRequestLabels | undefined {
  return (raw as RawWithLabels).flowMetrics;
}
