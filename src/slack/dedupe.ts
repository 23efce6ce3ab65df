/**
 * Remembers recently seen keys (event ids, channel + ts) for a while, in
 * memory and bounded: enough to answer each mention once when Slack delivers
 * it again (its retries come within minutes), without dropping a retry whose
 * first delivery never arrived.
 */
export interface RecentKeysOptions {
  /** Most keys kept; the oldest go first (default 10,000). */
  maxEntries?: number;
  /** How long a key is remembered (default one hour; Slack retries within minutes). */
  ttlMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export class RecentKeys {
  private readonly seen = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: RecentKeysOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? 10_000);
    this.ttlMs = options.ttlMs ?? 60 * 60 * 1000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.seen.size;
  }

  /** Whether `key` was seen within the TTL. */
  has(key: string): boolean {
    const at = this.seen.get(key);
    return at !== undefined && this.now() - at < this.ttlMs;
  }

  /**
   * Claims a delivery: `true` (and remembers every key) when none of `keys`
   * was seen recently, `false` when one was, i.e. it is a duplicate. Keys that
   * are `undefined` or empty are ignored.
   */
  claim(keys: ReadonlyArray<string | undefined>): boolean {
    const present = keys.filter((k): k is string => typeof k === "string" && k !== "");
    this.evict();
    if (present.some((k) => this.has(k))) {
      // Remember the other keys too, so a later copy matching only them is caught.
      for (const k of present) if (!this.seen.has(k)) this.remember(k);
      return false;
    }
    for (const k of present) this.remember(k);
    return true;
  }

  private remember(key: string): void {
    this.seen.delete(key);
    this.seen.set(key, this.now());
    while (this.seen.size > this.maxEntries) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
  }

  private evict(): void {
    const now = this.now();
    for (const [key, at] of this.seen) {
      if (now - at < this.ttlMs) break;
      this.seen.delete(key);
    }
  }
}
