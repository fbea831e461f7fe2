// How WhatsApp opens a flow, read from its Flow JSON. The Flow JSON does not name the start (the
// message that sends the flow does, with flow_action), but it says what the first screen needs:
// a first screen that declares `data` in a flow with a data endpoint (`data_api_version`) shows
// what the endpoint sends when the flow opens, so the flow is sent with flow_action data_exchange
// and the endpoint gets INIT. A first screen that declares no data opens as a navigate send opens
// it: at once, without a request. A flow without a data endpoint always opens that way, its first
// screen's data coming with the message. Pure: the preview and the simulator share this rule.
import type { FlowJson } from '../../flow-json/index.js';

export interface FlowStart {
  /** INIT: the endpoint is asked for the first screen; navigate: it opens without a request. */
  action: 'INIT' | 'navigate';
  /** The entry screen. */
  screen: string;
  /** Why, in one sentence a developer can act on. */
  reason: string;
}

/** Every `navigate` target named anywhere in a screen's layout (on-click, on-select, list items…). */
function navigateTargets(value: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const item of value) navigateTargets(item, found);
  else if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const next = object.next as { name?: unknown } | undefined;
    if (object.name === 'navigate' && typeof next?.name === 'string') found.add(next.name);
    for (const child of Object.values(object)) navigateTargets(child, found);
  }
  return found;
}

/**
 * The entry screen, as Meta defines it: the first screen no `routing_model` edge leads to; without
 * a routing model (flows without an endpoint), the first screen no navigate action leads to.
 */
export function entryScreen(flowJson: FlowJson): string {
  const routes = Object.values(flowJson.routing_model ?? {});
  const targets = routes.length
    ? new Set(routes.flat())
    : navigateTargets(
        flowJson.screens.map((screen) => screen.layout),
        new Set(),
      );
  return flowJson.screens.find((screen) => !targets.has(screen.id))?.id ?? flowJson.screens[0].id;
}

export function flowStart(flowJson: FlowJson): FlowStart {
  const screen = entryScreen(flowJson);
  const declared = Object.keys(flowJson.screens.find((candidate) => candidate.id === screen)?.data ?? {});
  if (!flowJson.data_api_version) {
    return {
      action: 'navigate',
      screen,
      reason:
        `The flow has no data endpoint (no data_api_version): it is sent with flow_action navigate and opens on ${screen}` +
        (declared.length ? `, whose data (${declared.join(', ')}) comes with the message; the preview uses its __example__ values.` : '.'),
    };
  }
  if (declared.length === 0) {
    return {
      action: 'navigate',
      screen,
      reason: `${screen} declares no data, so it needs nothing from the endpoint to open: the flow is sent with flow_action navigate and WhatsApp makes no request until the user acts on ${screen}.`,
    };
  }
  return {
    action: 'INIT',
    screen,
    reason: `${screen} declares data (${declared.join(', ')}) that the endpoint sends when the flow opens: the flow is sent with flow_action data_exchange and WhatsApp asks the endpoint with INIT.`,
  };
}
