/**
 * A provider's answer that is not a success, made readable: what every Graph API call (and the
 * WASenderApi channel, which goes through the same sender) throws.
 */
export class GraphApiError extends Error {
  constructor(
    message: string,
    /** HTTP status from the provider (0 when it could not be reached). */
    readonly status: number,
    /** Meta's error code, when there is one (e.g. 132068). */
    readonly code?: number,
    /** True when retrying cannot help (4xx other than 429). */
    readonly permanent = true,
    /** What Meta said, as it said it: `error_user_msg` (or `message`) and the `fbtrace_id` to quote to Meta. */
    readonly provider: { userMessage?: string; fbtraceId?: string; subcode?: number } = {},
  ) {
    super(message);
  }

  /** True when no HTTP answer came at all (DNS, refused connection, timeout). */
  get unreachable(): boolean {
    return this.status === 0;
  }
}
