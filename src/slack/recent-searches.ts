/**
 * Each user's last few searches, for the App Home to show them back to that
 * user. Kept in process memory only: lost on restart and not shared between
 * replicas, and bounded (the last `perUser` queries of the `users` most
 * recently active users), so it costs at most a few megabytes.
 *
 * ```ts
 * const searches = new RecentSearches();
 * searches.record("U0123", "model compression");
 * searches.of("U0123"); // ["model compression"], newest first
 * ```
 */
import { RecentCache } from "../text/recent-cache.js";

export class RecentSearches {
  private readonly byUser: RecentCache<string, string[]>;
  private readonly perUser: number;

  constructor(options: { users?: number; perUser?: number } = {}) {
    this.byUser = new RecentCache(options.users ?? 1000);
    this.perUser = options.perUser ?? 5;
  }

  /** Notes that `user` searched for `query`; a query asked again moves to the front. */
  record(user: string, query: string): void {
    const queries = this.byUser.get(user, () => []);
    const earlier = queries.indexOf(query);
    if (earlier !== -1) queries.splice(earlier, 1);
    queries.unshift(query);
    queries.splice(this.perUser);
  }

  /** The user's recent queries, newest first. */
  of(user: string): readonly string[] {
    return this.byUser.peek(user) ?? [];
  }
}
