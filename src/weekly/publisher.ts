/**
 * Posting the direction of the week exactly once per week.
 *
 * There is no idempotency key on `chat.postMessage`, so "exactly once" is
 * built from two records:
 *  1. the store: a week is *claimed* (in a transaction that locks the channel) before
 *     posting and *completed* with the message ts after, so restarts, crashes
 *     and overlapping runs see that the week is done or being done;
 *  2. the channel itself: before every attempt to post (the first one and each
 *     retry) we look for our own message carrying this week's metadata in the
 *     channel history. That catches a post whose answer was lost (timeout,
 *     dropped connection, 5xx), a crash between posting and recording, and a
 *     store that was lost or reset.
 *
 * The Slack client used here makes no automatic retries and has a finite
 * timeout (the client's defaults retry for ~30 minutes and re-send a post that
 * already landed); our own loop retries a bounded number of times within a run
 * budget, so a run ends in well under a minute even with Slack unreachable.
 * Permanent errors (not in channel, bad token, …) are reported as one line
 * naming the fix and the claim is released, so a later run can post the week.
 *
 * A post whose outcome is unknown (the request timed out, or the connection
 * broke after it was sent) may still be in Slack's hands: a channel check made
 * at once could miss it, and a second post would follow. So the claim records
 * when a post was sent, and after an unknown outcome no run checks the channel
 * (let alone posts) until `settleMs` later; the run waits for that within its
 * budget, or leaves the week held for a later run. A run that takes over the
 * claim of a run that died mid-post obeys the same wait.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import { webApi } from "@slack/bolt";
import type { WeeklyLogger } from "./logger.js";
import type { Choice, ScheduledContent } from "./direction-post.js";
import { checkPostLimits } from "./post.js";
import { CHANNEL_GONE, classifySlackError, type SlackFailure } from "./slack-errors.js";
import type { Claim, PostRecord, Store, Subscription, WeekView } from "../store/index.js";
import { beginRun, claimIsLive, delay, endRun } from "./claims.js";
import { DAY_MS, weekStart } from "./week.js";

/** An error for a log line: its message (a store's names the database but never its password). */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Per-request timeout of the weekly client. */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * A Web API client fit for a post that must happen once: no automatic
 * retries (a retried `chat.postMessage` whose first answer was lost posts
 * twice), rate limits reported instead of waited out silently, and a finite
 * timeout. Don't hand the publisher Bolt's `app.client`, which has the
 * default ~30-minute retry policy.
 */
export function createWeeklyClient(
  token: string,
  options: { apiUrl?: string; timeoutMs?: number; fetch?: webApi.WebClientOptions["fetch"] } = {},
): webApi.WebClient {
  const apiUrl = options.apiUrl ? (options.apiUrl.endsWith("/") ? options.apiUrl : `${options.apiUrl}/`) : undefined;
  return new webApi.WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? REQUEST_TIMEOUT_MS,
    // We log each outcome once ourselves; the client's own warnings would repeat it.
    logLevel: webApi.LogLevel.ERROR,
  });
}

export type PublishOutcome =
  /** We posted it now (`recorded: false`: the store could not record it; a later run of the week finds it in the channel and records it). */
  | { status: "posted"; week: string; direction: string; ts: string; recorded?: false }
  /** The store already records this week's post: nothing was done. */
  | { status: "already-posted"; week: string; direction: string; ts: string }
  /** Our post for this week was found in the channel (an earlier run's answer was lost): recorded, not reposted. */
  | { status: "found-in-channel"; week: string; direction: string; ts: string; recorded?: false }
  /** Another live run holds this week's claim and is posting it. */
  | { status: "in-progress"; week: string; direction: string; owner: string }
  /** A post was sent but its outcome is unknown: no run posts the week before checking the channel at `checkAfter` (ISO 8601). */
  | { status: "unknown"; week: string; direction: string; checkAfter: string }
  /**
   * Not posted; the week stays open for a later run. `code`: Slack's error,
   * when Slack refused; `waitMs`: how long Slack asked us to wait (HTTP 429).
   */
  | { status: "failed"; week: string; direction?: string; permanent: boolean; reason: string; code?: string; waitMs?: number };

export interface RetryPolicy {
  /** Attempts (history check + post) per run. */
  maxAttempts: number;
  /** First wait between attempts; doubled each time, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** No attempt starts unless it can end (two requests) within this budget from the start of the run. */
  runBudgetMs: number;
  /** The client's per-request timeout (for the budget arithmetic). */
  requestTimeoutMs: number;
  /** How long a claim protects a week from other runs (must exceed the run budget). */
  leaseMs: number;
  /**
   * After a post with an unknown outcome, how long Slack may still be handling
   * it: only a channel check made later than this proves it did not land.
   * Well above the request timeout (Slack has been seen answering after 13 s).
   */
  settleMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 2_000,
  maxDelayMs: 15_000,
  runBudgetMs: 45_000,
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  leaseMs: 120_000,
  settleMs: 120_000,
};

/** History pages (of 200 messages) searched for our post: a week of a busy channel. */
const MAX_HISTORY_PAGES = 5;
/** History pages searched for our earlier posts when the store has none for the channel: months of a busy channel. */
const RECOVERY_HISTORY_PAGES = 25;

/** One of our weekly posts, as read back from the channel. */
interface OwnPost {
  ts: string;
  week: string;
  direction: string;
}

export interface WeeklyPublisherOptions {
  /** From `createWeeklyClient`. */
  client: webApi.WebClient;
  channel: string;
  /** The channel in the admin's terms, for fixes in log lines (default `channel <id>`). */
  channelLabel?: string;
  /** Zone of the week boundaries (for the history window). */
  timeZone: string;
  /** Where claims and records are kept (src/store/). */
  store: Store;
  /** What is posted: which item a channel gets each week, and the message (see direction-post.ts). */
  content: ScheduledContent;
  logger: WeeklyLogger;
  retry?: Partial<RetryPolicy>;
  /** Waits between attempts; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Clock of the run budget, in ms (tests). */
  now?: () => number;
}

type ClaimResult =
  | { kind: "done"; post: PostRecord }
  | { kind: "busy"; claim: Claim }
  | { kind: "unsettled"; claim: Claim & { sentAt: string }; checkAfter: number }
  | { kind: "claimed"; choice: Choice; resumed?: Claim }
  | { kind: "no-directions" };

/** The store's view of a channel's week: posted, or what it would post (and an earlier run's claim on it). */
export function planWeek(view: WeekView, week: string, content: ScheduledContent): { posted?: PostRecord; earlier?: Claim; choice?: Choice } {
  const posted = view.posts.find((p) => p.week === week);
  if (posted) return { posted };
  const earlier = view.claim;
  const choice = content.choose(view.posts, earlier);
  return { ...(earlier && { earlier }), ...(choice && { choice }) };
}

/** What a publisher for a subscribed channel needs besides the channel (see `WeeklyPublisher.forSubscription`). */
export type PublisherDeps = Omit<WeeklyPublisherOptions, "channel" | "channelLabel" | "timeZone">;

export class WeeklyPublisher {
  /** A publisher for a subscribed channel, in its zone; log lines name `DIRECTIONS_CHANNEL=…` for the deployment's channel. */
  static forSubscription(subscription: Pick<Subscription, "channel" | "timeZone" | "source">, deps: PublisherDeps): WeeklyPublisher {
    const { channel } = subscription;
    return new WeeklyPublisher({
      ...deps,
      channel,
      channelLabel: subscription.source === "deployment" ? `DIRECTIONS_CHANNEL=${channel}` : `channel ${channel}`,
      timeZone: subscription.timeZone,
    });
  }

  private readonly store: Store;
  private readonly client: webApi.WebClient;
  private readonly channel: string;
  private readonly channelLabel: string;
  private readonly timeZone: string;
  private readonly content: ScheduledContent;
  private readonly logger: WeeklyLogger;
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private identity: { userId?: string; botId?: string } | undefined;
  /** Runs of this publisher one after another (the cron tick and the start-up catch-up may meet). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: WeeklyPublisherOptions) {
    this.client = options.client;
    this.channel = options.channel;
    this.channelLabel = options.channelLabel ?? `channel ${options.channel}`;
    this.timeZone = options.timeZone;
    this.content = options.content;
    this.logger = options.logger;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.sleep = options.sleep ?? delay;
    this.now = options.now ?? Date.now;
    this.store = options.store;
  }

  /** Posts the week's direction unless that week is already posted (or being posted). Never throws. */
  publish(week: string): Promise<PublishOutcome> {
    const run = this.queue.then(() => this.publishOnce(week));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async publishOnce(week: string): Promise<PublishOutcome> {
    const runId = randomUUID();
    const started = this.now();
    beginRun(runId);
    try {
      let claimed: ClaimResult;
      try {
        const refused = await this.recoverRotation(week, started);
        if (refused?.kind === "permanent") return this.fail(week, undefined, true, `Slack said ${refused.code}: ${refused.fix}`, refused);
        if (refused) {
          return this.fail(
            week,
            undefined,
            false,
            `Slack ${refused.code} while reading channel ${this.channel} to rebuild the rotation (the store has no posts for it); the next run will try again`,
            refused,
          );
        }
        claimed = await this.claim(week, runId);
      } catch (error) {
        return this.fail(week, undefined, false, `cannot reach the store, so no claim could be made (${messageOf(error)})`);
      }
      switch (claimed.kind) {
        case "done":
          this.logger.info(
            `Direction of the week ${week}: already posted in channel ${this.channel} (${claimed.post.direction}, ts ${claimed.post.ts}); nothing to do.`,
          );
          return { status: "already-posted", week, direction: claimed.post.direction, ts: claimed.post.ts };
        case "busy": {
          const owner = `pid ${claimed.claim.pid} on ${claimed.claim.host}`;
          this.logger.info(`Direction of the week ${week}: another run (${owner}) is posting it right now; leaving it to that run.`);
          return { status: "in-progress", week, direction: claimed.claim.direction, owner };
        }
        case "unsettled": {
          const { claim } = claimed;
          return this.unknown(
            week,
            claim.direction,
            claimed.checkAfter,
            `an earlier run (pid ${claim.pid} on ${claim.host}) sent this week's post at ${claim.sentAt} and ended before Slack answered`,
          );
        }
        case "no-directions":
          return this.fail(week, undefined, true, "no direction of the corpus has an excerpt to post (corpus/directions.yaml, corpus/answers/)");
        case "claimed":
          if (claimed.resumed) {
            this.logger.warn(
              `Direction of the week ${week}: an earlier run (pid ${claimed.resumed.pid} on ${claimed.resumed.host}, ` +
                `${claimed.resumed.claimedAt}) claimed this week and did not finish; checking the channel before posting.`,
            );
          }
          return await this.deliver(week, claimed.choice, runId, started);
      }
    } catch (error) {
      // Bugs or I/O errors: the week stays open, and the process must not crash over it.
      await this.release(week, runId).catch(() => undefined);
      return this.fail(week, undefined, false, `unexpected error: ${messageOf(error)}`);
    } finally {
      endRun(runId);
    }
  }

  private claim(week: string, runId: string): Promise<ClaimResult> {
    return this.store.planWeek<ClaimResult>(this.channel, week, (view) => {
      const { posted, earlier, choice } = planWeek(view, week, this.content);
      if (posted) return { result: { kind: "done", post: posted } };
      if (earlier && claimIsLive(earlier)) return { result: { kind: "busy", claim: earlier } };
      if (earlier?.sentAt !== undefined) {
        // Its run died (or gave up) while a post was in flight: wait until that post would be visible.
        const checkAfter = Date.parse(earlier.sentAt) + this.policy.settleMs;
        if (!(Date.now() >= checkAfter)) return { result: { kind: "unsettled", claim: { ...earlier, sentAt: earlier.sentAt }, checkAfter } };
      }
      if (!choice) return { result: { kind: "no-directions" } };
      const now = Date.now();
      return {
        claim: {
          direction: choice.direction,
          cycle: choice.cycle,
          runId,
          pid: process.pid,
          host: os.hostname(),
          claimedAt: new Date(now).toISOString(),
          leaseUntil: new Date(now + this.policy.leaseMs).toISOString(),
        },
        result: { kind: "claimed", choice, ...(earlier ? { resumed: earlier } : {}) },
      };
    });
  }

  private async deliver(week: string, choice: Choice, runId: string, started: number): Promise<PublishOutcome> {
    const post = this.content.compose(week, choice);
    if (!post) {
      await this.release(week, runId);
      return this.fail(week, choice.direction, true, `direction ${choice.direction} is not in the corpus`);
    }
    const problems = checkPostLimits(post);
    if (problems.length > 0) {
      await this.release(week, runId);
      return this.fail(week, choice.direction, true, `the post breaks Slack's limits (${problems.join("; ")}): this is a bug`);
    }
    const warning = this.content.warning(post, choice);
    if (warning) this.logger.warn(`Direction of the week ${week}: ${warning}.`);

    let last: SlackFailure | undefined;
    /** When a post of this run was sent with an outcome still unknown (ms since epoch). */
    let unknownSince: number | undefined;
    for (let attempt = 1; ; attempt++) {
      let sentAt: number | undefined;
      try {
        // 1. Is it there already (an earlier attempt or run whose answer was lost)?
        const found = await this.findOwnPost(week);
        unknownSince = undefined; // a check made after the settling wait is to be trusted
        if (found) {
          const direction = found.direction;
          const recorded = await this.record(week, { direction, cycle: choice.cycle }, found.ts, runId, true);
          this.logger.info(
            `Direction of the week ${week}: found our post in channel ${this.channel} (ts ${found.ts}); recorded it instead of posting again.`,
          );
          return { status: "found-in-channel", week, direction, ts: found.ts, ...(recorded ? {} : { recorded }) };
        }
        // 2. Post it, having noted first that a post is in flight (a run that takes over after a crash must wait for it).
        try {
          sentAt = await this.markSent(week, runId);
        } catch (error) {
          await this.release(week, runId).catch(() => undefined);
          return this.fail(week, choice.direction, false, `cannot reach the store to note the post before sending it (${messageOf(error)})`);
        }
        if (sentAt === undefined) {
          if (unknownSince !== undefined) return this.unknown(week, choice.direction, unknownSince + this.policy.settleMs, "this run's claim ran out and another run holds the week");
          return this.fail(week, choice.direction, false, "this run's claim ran out (it took longer than its lease) and the week is another run's now; nothing was sent");
        }
        const answer = await this.client.chat.postMessage({
          channel: this.channel,
          text: post.text,
          blocks: post.blocks,
          metadata: post.metadata,
          unfurl_links: false,
          unfurl_media: false,
        });
        const ts = answer.ts ?? "";
        const recorded = await this.record(week, choice, ts, runId, false);
        this.logger.info(`Direction of the week ${week}: posted ${choice.direction} to channel ${this.channel} (ts ${ts}).`);
        return { status: "posted", week, direction: choice.direction, ts, ...(recorded ? {} : { recorded }) };
      } catch (error) {
        last = classifySlackError(error, this.channelLabel);
        if (sentAt !== undefined && last.kind === "retryable" && last.unknownOutcome) unknownSince = sentAt;
        if (last.kind === "permanent") {
          if (unknownSince !== undefined) return this.unknown(week, choice.direction, unknownSince + this.policy.settleMs, `Slack said ${last.code}`);
          await this.release(week, runId);
          return this.fail(week, choice.direction, true, `Slack said ${last.code}: ${last.fix}`, last);
        }
      }
      // 3. A transient failure: wait (after an unknown outcome, until the post would be visible), then check the channel again.
      const backoff = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
      const settling = unknownSince === undefined ? 0 : unknownSince + this.policy.settleMs - Date.now();
      const wait = Math.max(last.waitMs ?? 0, settling, backoff * (0.75 + Math.random() * 0.5));
      const endOfNextAttempt = this.now() + wait + 2 * this.policy.requestTimeoutMs;
      if (attempt >= this.policy.maxAttempts || endOfNextAttempt - started > this.policy.runBudgetMs) break;
      this.logger.warn(
        `Direction of the week ${week}: Slack ${last.code}${unknownSince === undefined ? "" : " (outcome unknown)"}; ` +
          `checking the channel and trying again in ${Math.round(wait / 100) / 10} s (attempt ${attempt + 1} of ${this.policy.maxAttempts}).`,
      );
      await this.sleep(wait);
    }
    if (unknownSince !== undefined) {
      return this.unknown(week, choice.direction, unknownSince + this.policy.settleMs, `Slack ${last?.code ?? "failed"} while posting`);
    }
    await this.release(week, runId);
    return this.fail(
      week,
      choice.direction,
      false,
      `Slack ${last?.code ?? "failed"} after ${this.policy.maxAttempts > 1 ? "retries" : "one attempt"}; ` +
        "Slack seems unreachable or overloaded, the next run will try again (checking the channel first, so no double post)",
      last,
    );
  }

  /** Our own message with this week's metadata in the channel, if any. */
  private async findOwnPost(week: string): Promise<OwnPost | undefined> {
    // From a day before the week starts (clock skew), or before now when posting ahead for a future week.
    const from = Math.min(weekStart(week, this.timeZone).getTime(), Date.now()) - DAY_MS;
    const { posts, stoppedAt } = await this.ownPosts({ oldest: (from / 1000).toFixed(6), maxPages: MAX_HISTORY_PAGES, until: (post) => post.week === week });
    const found = posts.find((post) => post.week === week);
    if (!found && stoppedAt) {
      this.logger.warn(
        `Direction of the week ${week}: searched the last ${MAX_HISTORY_PAGES * 200} messages of channel ${this.channel} for an earlier post and stopped there.`,
      );
    }
    return found;
  }

  /**
   * A channel with no posts in the store (new, or a store lost) would restart the
   * rotation and repeat directions: rebuild it from our posts of other weeks
   * in the channel, whose metadata names their week and direction (a post of
   * this week is found and recorded by the check before posting). A Slack
   * failure is returned: without the history, posting would repeat a
   * direction, so the week waits for the next run. It may take half of the
   * run's budget, leaving the rest for posting.
   */
  private async recoverRotation(week: string, started: number): Promise<SlackFailure | undefined> {
    if ((await this.store.posts(this.channel)).length > 0) return undefined;
    let read: Awaited<ReturnType<WeeklyPublisher["ownPosts"]>>;
    try {
      read = await this.ownPosts({ maxPages: RECOVERY_HISTORY_PAGES, deadline: started + this.policy.runBudgetMs / 2 });
    } catch (error) {
      return classifySlackError(error, this.channelLabel);
    }
    if (read.stoppedAt === "deadline") return { kind: "retryable", code: "too slow to read the channel history in time" };
    if (read.stoppedAt === "page limit") {
      this.logger.warn(
        `Direction of the week: rebuilt the rotation from the last ${RECOVERY_HISTORY_PAGES * 200} messages of channel ${this.channel} only; ` +
          "a direction posted before them may come back before its turn.",
      );
    }
    const byWeek = new Map<string, OwnPost>();
    for (const post of [...read.posts].reverse()) if (post.week !== week && !byWeek.has(post.week)) byWeek.set(post.week, post); // oldest first
    const earlier = [...byWeek.values()];
    if (earlier.length === 0) return undefined;
    const cycles = this.content.cycles(earlier.map((post) => post.direction));
    const recordedAt = new Date().toISOString();
    const rebuilt = await this.store.importPosts(
      earlier.map((post, i) => ({ ...post, cycle: cycles[i]!, channel: this.channel, recordedAt, foundInHistory: true })),
      { onlyIntoEmptyChannels: true }, // another run may have got there first
    );
    if (rebuilt > 0) {
      const last = earlier[earlier.length - 1]!;
      this.logger.warn(
        `Direction of the week: the store had no posts for channel ${this.channel}; rebuilt the rotation from ${earlier.length} earlier posts there ` +
          `(the latest: ${last.week}, ${last.direction}).`,
      );
    }
    return undefined;
  }

  /**
   * Our weekly posts in the channel, newest first, from `oldest` on; stops at
   * the first post `until` accepts. `stoppedAt` says when it stopped before
   * the end of the history: at `maxPages`, or because a page could not be
   * read before `deadline` (by `now()`).
   */
  private async ownPosts(options: {
    oldest?: string;
    maxPages: number;
    deadline?: number;
    until?: (post: OwnPost) => boolean;
  }): Promise<{ posts: OwnPost[]; stoppedAt?: "page limit" | "deadline" }> {
    const me = await this.botIdentity();
    const posts: OwnPost[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < options.maxPages; page++) {
      if (options.deadline !== undefined && this.now() + this.policy.requestTimeoutMs > options.deadline) return { posts, stoppedAt: "deadline" };
      const answer = await this.client.conversations.history({
        channel: this.channel,
        ...(options.oldest ? { oldest: options.oldest } : {}),
        limit: 200,
        include_all_metadata: true,
        ...(cursor ? { cursor } : {}),
      });
      for (const message of answer.messages ?? []) {
        const metadata = message.metadata as { event_type?: string; event_payload?: Record<string, unknown> } | undefined;
        const mine = (me.botId && message.bot_id === me.botId) || (me.userId && message.user === me.userId);
        const { week, direction } = metadata?.event_payload ?? {};
        if (!mine || metadata?.event_type !== this.content.eventType || !message.ts || typeof week !== "string" || typeof direction !== "string") continue;
        const post = { ts: message.ts, week, direction };
        posts.push(post);
        if (options.until?.(post)) return { posts };
      }
      cursor = answer.response_metadata?.next_cursor || undefined;
      if (!cursor) return { posts };
    }
    return { posts, stoppedAt: "page limit" };
  }

  /** Who "our own" messages are from: the bot user and bot id behind the token. */
  private async botIdentity(): Promise<{ userId?: string; botId?: string }> {
    if (!this.identity) {
      const answer = await this.client.auth.test();
      this.identity = {
        ...(answer.user_id ? { userId: answer.user_id } : {}),
        ...(answer.bot_id ? { botId: answer.bot_id } : {}),
      };
    }
    return this.identity;
  }

  /** Records the week's post; false (logged) when the store cannot. */
  private async record(week: string, choice: Choice, ts: string, runId: string, foundInHistory: boolean): Promise<boolean> {
    const post: PostRecord = {
      channel: this.channel,
      week,
      direction: choice.direction,
      cycle: choice.cycle,
      ts,
      recordedAt: new Date().toISOString(),
      ...(foundInHistory ? { foundInHistory: true } : {}),
    };
    try {
      await this.store.recordPost(post, runId);
      return true;
    } catch (error) {
      // The post is in the channel; the next run's history check will find and record it.
      this.logger.error(
        `Direction of the week ${week}: posted (ts ${ts}) but could not record it in the store (${messageOf(error)}). ` +
          "The next run will find the post in the channel and record it.",
      );
      return false;
    }
  }

  /** Notes on our claim that a post is about to be sent; returns that instant (ms since epoch), or undefined when the claim is no longer ours. */
  private async markSent(week: string, runId: string): Promise<number | undefined> {
    const now = Date.now();
    return (await this.store.markSent(this.channel, week, runId, new Date(now).toISOString())) ? now : undefined;
  }

  /** Gives up our claim so that a later run can post the week. */
  private release(week: string, runId: string): Promise<void> {
    return this.store.releaseClaim(this.channel, week, runId);
  }

  /** A post may have landed: the claim stays, and nothing is posted for the week before a channel check at `checkAfter`. */
  private unknown(week: string, direction: string, checkAfter: number, what: string): PublishOutcome {
    const at = new Date(checkAfter).toISOString();
    this.logger.warn(
      `Direction of the week ${week} (${direction}): ${what}; outcome unknown. ` +
        `Will check channel ${this.channel} before posting again, not before ${at}.`,
    );
    return { status: "unknown", week, direction, checkAfter: at };
  }

  private fail(week: string, direction: string | undefined, permanent: boolean, reason: string, slack?: SlackFailure): PublishOutcome {
    const gone = slack?.kind === "permanent" && CHANNEL_GONE.has(slack.code);
    this.logger.error(
      `Direction of the week ${week} NOT posted${direction ? ` (${direction})` : ""}: ${reason}. ` +
        (gone
          ? `Channel ${this.channel} is marked broken: nothing more is posted there until someone runs /directions weekly here in it.`
          : "The week stays open: the next scheduled run, a restart or `directions post-weekly` will post it."),
    );
    return {
      status: "failed",
      week,
      ...(direction ? { direction } : {}),
      permanent,
      reason,
      ...(slack?.kind === "permanent" ? { code: slack.code } : {}),
      ...(slack?.kind === "retryable" && slack.waitMs !== undefined ? { waitMs: slack.waitMs } : {}),
    };
  }
}
