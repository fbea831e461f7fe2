/** One client address's failed attempts in its current window. */
interface Attempts {
  failures: number;
  windowEndsAt: number;
}

/**
 * Failed admin token attempts per client address, in fixed windows: after `maxFailures` failures an
 * address is refused (without its token being compared) until its window ends. At most
 * `maxAddresses` addresses are tracked: ended windows are dropped first, then the oldest, so a flood
 * from many addresses costs bounded memory. IPv6 addresses count by their /64, which one client holds whole.
 */
export class FailedAttempts {
  private readonly byAddress = new Map<string, Attempts>();

  constructor(
    readonly maxFailures: number,
    readonly windowMs: number,
    readonly maxAddresses = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get trackedAddresses(): number {
    return this.byAddress.size;
  }

  /** Seconds until `address` may try again, or 0 when it may try now. */
  retryAfterS(address: string): number {
    const attempts = this.current(clientKey(address));
    if (!attempts || attempts.failures < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((attempts.windowEndsAt - this.now()) / 1000));
  }

  failed(address: string): void {
    const key = clientKey(address);
    const attempts = this.current(key);
    if (attempts) {
      attempts.failures++;
      return;
    }
    if (this.byAddress.size >= this.maxAddresses) this.makeRoom();
    this.byAddress.set(key, { failures: 1, windowEndsAt: this.now() + this.windowMs });
  }

  /** A right token from `address`: its failures are forgotten. */
  succeeded(address: string): void {
    if (this.byAddress.size > 0) this.byAddress.delete(clientKey(address));
  }

  private current(key: string): Attempts | undefined {
    const attempts = this.byAddress.get(key);
    if (attempts && attempts.windowEndsAt <= this.now()) {
      this.byAddress.delete(key);
      return undefined;
    }
    return attempts;
  }

  private makeRoom(): void {
    const now = this.now();
    // Entries are in insertion order, so ended windows come first: stop at the first live one.
    for (const [key, attempts] of this.byAddress) {
      if (attempts.windowEndsAt > now) break;
      this.byAddress.delete(key);
    }
    if (this.byAddress.size >= this.maxAddresses) this.byAddress.delete(this.byAddress.keys().next().value!);
  }
}

/** An IPv4 address as is; an IPv6 one by its first four groups (a /64), IPv4-mapped ones as IPv4. */
export function clientKey(address: string): string {
  if (!address.includes(':')) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  const [head, tail = ''] = address.toLowerCase().split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
