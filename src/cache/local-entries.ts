/** In-process entries at most; beyond it the least recently stored goes first. */
export const LOCAL_MAX_ENTRIES = 10_000;

interface Local {
  value: unknown;
  expiresAt: number;
}

/**
 * This process's copies of cached values, in front of the shared store: a hit costs no round trip.
 * Every key has a generation here, bumped by each invalidation heard (from this process or another),
 * so a value loaded before an invalidation is never stored after it.
 */
export class LocalEntries {
  private readonly entries = new Map<string, Local>();
  private readonly generations = new Map<string, number>();
  private epoch = 0;

  get<T>(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > Date.now()) return entry.value as T;
    this.entries.delete(key);
    return undefined;
  }

  /** A stamp to pass to `set`: the value is stored only if no invalidation of `key` came in between. */
  stamp(key: string): string {
    return `${this.epoch}:${this.generations.get(key) ?? 0}`;
  }

  set(key: string, value: unknown, ttlMs: number, stamp: string): void {
    if (stamp !== this.stamp(key)) return;
    this.entries.delete(key); // re-inserted last: the Map's order is the age order
    this.entries.set(key, { value, expiresAt: Date.now() + ttlMs });
    if (this.entries.size > LOCAL_MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Drops `key` (undefined: everything) and makes loads already under way for it not store their value. */
  invalidate(key: string | undefined): void {
    if (key === undefined) {
      this.entries.clear();
      this.generations.clear();
      this.epoch++;
      return;
    }
    this.entries.delete(key);
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    // Generations are only needed while a load may be under way; keep the map bounded.
    if (this.generations.size > LOCAL_MAX_ENTRIES) {
      this.generations.clear();
      this.epoch++;
    }
  }
}
