/**
 * Remembers answered deliveries (event ids, channel + ts) for a while: enough
 * to answer each mention once when Slack delivers it again (its retries come
 * within minutes, possibly to another replica), without dropping a retry
 * whose first delivery never arrived.
 *
 * - `DeliveryMemory` is what the mention listener uses: the store (shared by
 *   replicas) when there is one, process memory when there is none or while
 *   the database cannot be reached.
 * - `RecentKeys` is that process memory: bounded, in a Map.
 */
import { describeStoreError, type Store, type StoreLogger } from "../store/index.js";

/** The part of the store that remembers deliveries. */
export type DeliveryStore = Pick<Store, "claimDelivery" | "pruneDeliveries">;

/** How long a delivery is remembered (Slack retries within minutes). */
export const DELIVERY_TTL_MS = 60 * 60 * 1000;

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
    this.ttlMs = options.ttlMs ?? DELIVERY_TTL_MS;
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

export interface DeliveryMemoryOptions {
  /** Where deliveries are remembered; without one, in process memory only. */
  store?: DeliveryStore;
  logger?: StoreLogger;
  /** Longest wait for the store before answering from memory (default 2 s). */
  storeTimeoutMs?: number;
  /** While the store is down, how often a delivery tries it again (default 5 s); the others use memory at once. */
  retryStoreEveryMs?: number;
  /** How often expired deliveries are removed from the store (default 10 minutes). */
  pruneEveryMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * Claims deliveries in the store, so that replicas sharing it answer each
 * mention once; falls back to process memory while the store fails or is slow
 * (the mention is still answered), saying so once per outage and once when
 * the store is back. Deliveries claimed in memory during an outage still
 * count as answered afterwards.
 */
export class DeliveryMemory {
  private readonly store: DeliveryStore | undefined;
  private readonly logger: StoreLogger | undefined;
  /** Process memory: in the store's place, or during its outages. */
  private readonly local: RecentKeys;
  private readonly storeTimeoutMs: number;
  private readonly retryStoreEveryMs: number;
  private readonly pruneEveryMs: number;
  private readonly now: () => number;
  /** While the store is down: when a delivery may try it again. */
  private outage: { retryAt: number } | undefined;
  private lastPrune: number;

  constructor(options: DeliveryMemoryOptions = {}) {
    this.store = options.store;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.local = new RecentKeys({ now: this.now });
    this.storeTimeoutMs = options.storeTimeoutMs ?? 2_000;
    this.retryStoreEveryMs = options.retryStoreEveryMs ?? 5_000;
    this.pruneEveryMs = options.pruneEveryMs ?? 10 * 60 * 1000;
    this.lastPrune = this.now();
  }

  /** `true` when none of `keys` was answered within the TTL (and remembers them all); `false` for a duplicate. */
  async claim(keys: ReadonlyArray<string | undefined>): Promise<boolean> {
    const present = keys.filter((k): k is string => typeof k === "string" && k !== "");
    if (this.store === undefined || (this.outage !== undefined && this.now() < this.outage.retryAt)) return this.local.claim(present);
    let claimed: boolean;
    try {
      claimed = await this.withinTimeout(this.store.claimDelivery(present, DELIVERY_TTL_MS));
    } catch (error) {
      if (this.outage === undefined) {
        this.logger?.warn(
          `The database is unreachable (${describeStoreError(error)}): mentions are still answered, and deduplicated in this process's memory until it is back`,
        );
      }
      this.outage = { retryAt: this.now() + this.retryStoreEveryMs };
      return this.local.claim(present);
    }
    if (this.outage !== undefined) {
      this.outage = undefined;
      this.logger?.info("The database is back: mentions are deduplicated in it again");
    }
    this.pruneNowAndThen();
    // A delivery answered from memory during an outage is not in the store.
    if (this.local.size > 0 && present.some((key) => this.local.has(key))) return false;
    return claimed;
  }

  private withinTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.storeTimeoutMs} ms`)), this.storeTimeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  /** Removes expired deliveries from the store every `pruneEveryMs`, in the background. */
  private pruneNowAndThen(): void {
    if (this.store === undefined || this.now() - this.lastPrune < this.pruneEveryMs) return;
    this.lastPrune = this.now();
    this.store.pruneDeliveries().then(
      (count) => this.logger?.debug(`Forgot ${count} expired deliveries`),
      (error: unknown) => this.logger?.debug(`Could not forget expired deliveries: ${describeStoreError(error)}`),
    );
  }
}
