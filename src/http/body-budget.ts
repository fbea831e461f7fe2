/**
 * Bytes of request bodies being received or held at once, across every connection. A body is
 * counted from the moment its reading starts (its declared length, or the route's limit when it is
 * chunked) until its answer is sent or its connection closes, so slow or stalled senders cannot
 * make the process hold more than this however many connections they open: beyond it, 503.
 *
 * Small bodies (the data endpoint's requests, a ping is under 1 KiB) may go a quarter over the
 * limit, so a flood of large bodies leaves room for WhatsApp's own requests.
 */
export class BodyBudget {
  static readonly SMALL_BODY_BYTES = 64 * 1024;
  private inFlight = 0;

  constructor(
    readonly maxBytes: number,
    /** Told the bytes in flight after every change (a metric). */
    private readonly onChange: (bytes: number) => void = () => undefined,
  ) {}

  get bytesInFlight(): number {
    return this.inFlight;
  }

  /** Counts `bytes` in and returns true, or returns false when they do not fit. */
  reserve(bytes: number): boolean {
    const ceiling = bytes <= BodyBudget.SMALL_BODY_BYTES ? this.maxBytes * 1.25 : this.maxBytes;
    if (this.inFlight + bytes > ceiling) return false;
    this.inFlight += bytes;
    this.onChange(this.inFlight);
    return true;
  }

  release(bytes: number): void {
    this.inFlight = Math.max(0, this.inFlight - bytes);
    this.onChange(this.inFlight);
  }
}
