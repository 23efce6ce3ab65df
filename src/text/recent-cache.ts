/**
 * A map that keeps only its `capacity` most recently used entries: for work
 * worth remembering per text (sentences, matches) without letting a large
 * corpus grow the heap.
 *
 * ```ts
 * const sentences = new RecentCache<string, Span[]>(2_000);
 * const spans = sentences.get(text, segment);
 * ```
 */
export class RecentCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  /** The value for `key`, made by `make` the first time (or after it was forgotten). */
  get(key: K, make: (key: K) => V): V {
    let value = this.entries.get(key);
    if (value === undefined) value = make(key);
    else this.entries.delete(key); // re-inserted below: most recently used
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    return value;
  }

  /** The value for `key` if it is remembered, without making one or counting this as a use. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }
}
