import type { FlowJson } from '../../flow-json/index.js';
import { screenDataErrors } from './screen-data-validator.js';

/**
 * Largest reply sent to the phone. WhatsApp documents no cap but asks for small, fast replies; a
 * screen's data beyond this is a handler bug (an unbounded list, a file inlined), not content.
 */
export const MAX_REPLY_BYTES = 1024 * 1024;

export interface WireResponse {
  screen?: string;
  data?: Record<string, unknown>;
}

/**
 * What WhatsApp's client will accept from this flow, from its Flow JSON: a reply of reasonable size, the target screen exists,
 * the transition is allowed by `routing_model` (staying and going back always are), the data matches
 * the screen's declaration, and a completion carries the flow token.
 */
export class FlowContract {
  private readonly screens: Set<string>;
  private readonly routes: Map<string, Set<string>>;

  constructor(readonly flowJson: FlowJson) {
    this.screens = new Set(flowJson.screens.map((screen) => screen.id));
    this.routes = new Map(Object.entries(flowJson.routing_model ?? {}).map(([from, to]) => [from, new Set(to)]));
  }

  hasScreen(screen: string): boolean {
    return this.screens.has(screen);
  }

  /** The entry screen: the first one no route leads to. */
  get entryScreen(): string {
    const targets = new Set([...this.routes.values()].flatMap((to) => [...to]));
    return this.flowJson.screens.find((screen) => !targets.has(screen.id))?.id ?? this.flowJson.screens[0].id;
  }

  /**
   * Violations of a reply to a request made from `fromScreen` (undefined for INIT). Empty when valid.
   * `serialised`: the reply as JSON text, when the caller has it (its size is checked).
   */
  violations(fromScreen: string | undefined, response: WireResponse, serialised: string = JSON.stringify(response)): string[] {
    const bytes = Buffer.byteLength(serialised);
    if (bytes > MAX_REPLY_BYTES) return [`reply: ${bytes} bytes, over the ${MAX_REPLY_BYTES}-byte limit of a reply`];
    const { screen, data = {} } = response;
    if (screen === 'SUCCESS') {
      const params = (data.extension_message_response as { params?: Record<string, unknown> } | undefined)?.params;
      return typeof params?.flow_token === 'string' && params.flow_token !== ''
        ? []
        : ['data.extension_message_response.params.flow_token: required to complete the flow'];
    }
    if (typeof screen !== 'string') return ['screen: missing'];
    if (!this.screens.has(screen)) return [`screen: "${screen}" is not a screen of this flow`];
    const errors: string[] = [];
    if (fromScreen && this.screens.has(fromScreen) && !this.canMove(fromScreen, screen)) {
      errors.push(`screen: routing_model does not allow ${fromScreen} → ${screen}`);
    }
    return [...errors, ...screenDataErrors(this.flowJson, screen, data)];
  }

  /** Forward along routing_model, stay, or back to any screen the user came through. */
  private canMove(from: string, to: string): boolean {
    if (from === to || this.routes.get(from)?.has(to)) return true;
    return this.reaches(to, from);
  }

  private reaches(from: string, to: string, seen = new Set<string>()): boolean {
    if (seen.has(from)) return false;
    seen.add(from);
    for (const next of this.routes.get(from) ?? []) {
      if (next === to || this.reaches(next, to, seen)) return true;
    }
    return false;
  }
}
