import { FlowTokenRejectedError } from './flow-errors.js';

export type FlowData = Record<string, unknown>;

/**
 * What a flow handler returns. The core turns it into the wire format, fills in the flow token
 * on completion, and encrypts it.
 */
export class FlowResponse {
  private constructor(
    readonly kind: 'navigate' | 'error' | 'complete',
    readonly screen: string | undefined,
    readonly data: FlowData,
  ) {}

  /** Show `screen` with `data`. Returning the current screen refreshes it. */
  static navigate(screen: string, data: FlowData = {}): FlowResponse {
    return new FlowResponse('navigate', screen, data);
  }

  /** Stay on the current screen (or `screen`) and show `message` to the user. */
  static error(message: string, options: { screen?: string; data?: FlowData } = {}): FlowResponse {
    return new FlowResponse('error', options.screen, { ...options.data, error_message: message });
  }

  /** Close the flow. `params` become the `nfm_reply` the chat receives; `flow_token` is added by the core. */
  static complete(params: FlowData = {}): FlowResponse {
    return new FlowResponse('complete', 'SUCCESS', params);
  }

  /** Answer 427: the token is not valid for this flow any more; WhatsApp closes the flow with `message`. */
  static rejectToken(message: string): never {
    throw new FlowTokenRejectedError(message);
  }

  /** The screen this response shows, given the screen the request came from. */
  targetScreen(currentScreen: string): string {
    return this.screen ?? currentScreen;
  }

  /**
   * The plaintext body sent to WhatsApp. An error keeps the data last shown on its screen
   * (`screenData`), because the phone checks every reply against the screen's declared data.
   */
  toWire(currentScreen: string, flowToken: string | undefined, screenData?: FlowData): { screen: string; data: FlowData } {
    if (this.kind === 'complete') {
      return {
        screen: 'SUCCESS',
        data: { extension_message_response: { params: { ...this.data, flow_token: flowToken } } },
      };
    }
    const data = this.kind === 'error' ? { ...screenData, ...this.data } : this.data;
    return { screen: this.targetScreen(currentScreen), data };
  }
}
