/**
 * What the bot remembers, as the rest of the code sees it: one small typed
 * interface, `Store`, with no SQL and no files in it. Two engines implement it
 * through one code path (src/store/kysely-store.ts): SQLite (the embedded
 * default) and PostgreSQL (for several replicas).
 */

/** One weekly post that reached its channel. */
export interface PostRecord {
  channel: string;
  /** ISO week in the channel's time zone, e.g. `2026-W09`. */
  week: string;
  direction: string;
  /** Rotation cycle the post belongs to (see src/weekly/rotation.ts). */
  cycle: number;
  /** Slack message ts: with the channel, the post's address. */
  ts: string;
  /** When it was recorded (ISO 8601). */
  recordedAt: string;
  /** True when found in the channel history rather than confirmed by chat.postMessage. */
  foundInHistory?: boolean;
}

/** "This week of this channel is being posted by that run": made before posting, removed after. */
export interface Claim {
  channel: string;
  week: string;
  direction: string;
  cycle: number;
  /** The run that holds it; only that run's record or release removes it. */
  runId: string;
  pid: number;
  host: string;
  /** ISO 8601. */
  claimedAt: string;
  /** ISO 8601: after this instant the claim is abandoned, whoever made it. */
  leaseUntil: string;
  /**
   * ISO 8601: when the run last sent the post without learning the outcome
   * yet (written before sending). A run that takes the claim over waits until
   * well after it before trusting a channel check.
   */
  sentAt?: string;
}

/** What a plan sees of one channel and week, read inside the transaction that may claim it. */
export interface WeekView {
  /** The channel's posts, in the order they were recorded (its rotation). */
  posts: PostRecord[];
  /** This week's claim, if a run holds or held one. */
  claim?: Claim;
}

/** A plan's answer: the claim to write for the week (replacing any earlier one), if any, and what to return. */
export interface WeekPlan<T> {
  claim?: Omit<Claim, "channel" | "week">;
  result: T;
}

/** When a channel's weekly post is due: a weekday and wall-clock time, or (deployment only) a cron expression. */
export type WeeklySchedule =
  /** `day`: ISO weekday, 1 Monday … 7 Sunday; `minute`: minutes after local midnight (09:00 is 540). */
  | { day: number; minute: number }
  /** Five-field cron expression (`DIRECTIONS_CRON`): its first time in each week. */
  | { cron: string };

/** A channel that receives the direction of the week. */
export interface Subscription {
  channel: string;
  schedule: WeeklySchedule;
  /** IANA zone of the schedule and of the channel's weeks. */
  timeZone: string;
  /** `slack`: turned on with `/directions weekly here`; `deployment`: `DIRECTIONS_CHANNEL`, owned by the admin. */
  source: "slack" | "deployment";
  /** ISO 8601: a week's time before this instant is not due (set whenever the schedule is set), so turning the post on never posts at once for a time already past. */
  activeFrom: string;
  /** Paused: no post before the ISO week `until` (`undefined`: until resumed). */
  paused?: { until?: string };
  /** This ISO week's post is skipped. */
  skipWeek?: string;
  /** User id (or `deployment`) and ISO 8601 time of the set-up, and of the last change. */
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
  /** The channel went away (bot removed, archived, deleted): nothing is posted until `weekly here` repairs it. */
  broken?: { reason: string; since: string };
}

export type StoreEngine = "sqlite" | "postgres";

export interface Store {
  readonly engine: StoreEngine;
  /** Where the data is, for logs: a file path, or the PostgreSQL URL without its password. */
  readonly location: string;

  // ── Answered deliveries (mentions) ─────────────────────────────────────────
  /**
   * Claims a delivery by its keys (event id; channel + ts): `true` when none
   * of them is remembered (this caller answers it), `false` when one is (a
   * duplicate). Every key is remembered for `ttlMs` either way. Atomic across
   * processes: of several callers with a common key, exactly one gets `true`.
   */
  claimDelivery(keys: readonly string[], ttlMs: number): Promise<boolean>;
  /** Forgets expired deliveries; returns how many. */
  pruneDeliveries(): Promise<number>;

  // ── The weekly post, per channel and ISO week ──────────────────────────────
  /**
   * Runs `plan` on the channel's posts and the week's claim, and writes the
   * claim it returns, in one transaction that no other `planWeek` or
   * `importPosts` of the same channel overlaps (on any process). `plan` must
   * be synchronous and quick: it runs while the channel is locked.
   */
  planWeek<T>(channel: string, week: string, plan: (view: WeekView) => WeekPlan<T>): Promise<T>;
  /**
   * Records a post and removes `runId`'s claim on its week. A channel has one
   * record per week: when one exists already, it stands and is returned.
   */
  recordPost(post: PostRecord, runId: string): Promise<PostRecord>;
  /**
   * Notes on `runId`'s claim that its post is about to be sent (`sentAt`, ISO
   * 8601), under the channel's lock; false when the run no longer holds a
   * claim whose lease runs past `sentAt` (then it must not send).
   */
  markSent(channel: string, week: string, runId: string, sentAt: string): Promise<boolean>;
  /** Removes `runId`'s claim on the week, so a later run can post it. */
  releaseClaim(channel: string, week: string, runId: string): Promise<void>;
  /** What `planWeek` would see, read without locking or writing (for a dry run). */
  week(channel: string, week: string): Promise<WeekView>;
  /** The channel's posts in the order they were recorded. */
  posts(channel: string): Promise<PostRecord[]>;
  /**
   * Adds posts made elsewhere (a JSON state file, the channel history), each
   * channel's in the given order, skipping weeks already recorded; with
   * `onlyIntoEmptyChannels`, a channel that has any post gets none. Returns
   * how many were added.
   */
  importPosts(posts: readonly PostRecord[], options?: { onlyIntoEmptyChannels?: boolean }): Promise<number>;

  // ── Channels that receive the weekly post ──────────────────────────────────
  /** Every subscription, by channel id. */
  subscriptions(): Promise<Subscription[]>;
  subscription(channel: string): Promise<Subscription | undefined>;
  /**
   * Reads the channel's subscription and writes what `change` returns, under
   * the channel's lock (one change at a time, on any process): a subscription
   * to store, `null` to remove it, or `undefined` to leave it as it is.
   * Returns the subscription as it stands afterwards.
   */
  changeSubscription(
    channel: string,
    change: (current: Subscription | undefined) => Subscription | null | undefined,
  ): Promise<Subscription | undefined>;

  // ── Health ─────────────────────────────────────────────────────────────────
  /** Resolves when the database answers a trivial query; rejects when it cannot be reached. */
  ping(): Promise<void>;
  /** Closes the connections (the pool, or the SQLite file). */
  close(): Promise<void>;
}
