/**
 * One scheduler for every channel that receives the direction of the week.
 *
 *   const scheduler = new WeeklyScheduler({ store, channels, content, client, logger });
 *   scheduler.start();          // posts what is due now (catch-up), then sleeps until the next post
 *   scheduler.refresh();        // a subscription changed: look again at once
 *   await scheduler.stop();
 *
 * It keeps no cron job per channel: it reads the subscriptions from the store,
 * posts those whose time has come this week (one after another, spaced, and
 * waiting out Slack's Retry-After), and sleeps until the earliest next post,
 * or at most `pollMs`, so that a change made on another replica is seen within
 * a minute. Whether a week still needs its post is the publisher's business
 * (store + channel history), so an extra wake-up (a restart, another replica,
 * `post-weekly`) never posts twice.
 *
 * Failures: a channel that went away (`not_in_channel`, `is_archived`,
 * `channel_not_found`) is marked broken (the publisher's log line says so,
 * with the fix) and left alone until `/directions weekly here` repairs it; other failures are tried again later in the same
 * week, soon after a transient one, hours after a permanent one.
 */
import type { webApi } from "@slack/bolt";
import type { Store, Subscription } from "../store/index.js";
import type { WeeklyChannels } from "./channels.js";
import type { ScheduledContent } from "./direction-post.js";
import { delay } from "./claims.js";
import type { WeeklyLogger } from "./logger.js";
import { WeeklyPublisher, type PublishOutcome, type RetryPolicy } from "./publisher.js";
import { CHANNEL_GONE } from "./slack-errors.js";
import { describeSchedule, formatLocal, nextPost, postedWeeks, type NextPost } from "./schedule.js";


export interface SchedulerTiming {
  /** Longest sleep: a change made on another replica is seen within this. */
  pollMs: number;
  /** Between two posts of one wake-up (Slack allows about one message a second). */
  spacingMs: number;
  /** After a transient failure (Slack unreachable, store down), try the channel again this much later. */
  retryTransientMs: number;
  /** After a permanent failure that is not the channel's (bad token, missing scope), this much later. */
  retryPermanentMs: number;
  /** While another run posts a channel's week, look again this much later. */
  retryInProgressMs: number;
  /** After a post with an unknown outcome, check this long after the check can be trusted. */
  settledMarginMs: number;
  /** How long `stop()` waits for a post in progress. */
  stopGraceMs: number;
}

export const DEFAULT_TIMING: SchedulerTiming = {
  pollMs: 60_000,
  spacingMs: 1_100,
  retryTransientMs: 15 * 60_000,
  retryPermanentMs: 6 * 60 * 60_000,
  retryInProgressMs: 2 * 60_000,
  settledMarginMs: 5_000,
  stopGraceMs: 5_000,
};

export interface WeeklySchedulerOptions {
  store: Store;
  /** Marks broken channels (and nothing else: the scheduler only reads subscriptions). */
  channels: Pick<WeeklyChannels, "settle">;
  content: ScheduledContent;
  /** From `createWeeklyClient` (no automatic retries). */
  client: webApi.WebClient;
  logger: WeeklyLogger;
  timing?: Partial<SchedulerTiming>;
  /** The publisher's retry policy (tests). */
  retry?: Partial<RetryPolicy>;
  /** The clock that decides what is due (tests run weeks in seconds with a fake one). */
  now?: () => Date;
  /** Waits between posts (tests). */
  sleep?: (ms: number) => Promise<void>;
}

/** What one wake-up did: the outcome of each channel it posted (or tried to). */
export type TickReport = Array<{ channel: string; outcome: PublishOutcome }>;

export class WeeklyScheduler {
  private readonly options: WeeklySchedulerOptions;
  private readonly timing: SchedulerTiming;
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly publishers = new Map<string, { timeZone: string; source: Subscription["source"]; publisher: WeeklyPublisher }>();
  /** `channel week` → not before this instant (ms): a failed or unsettled week waits (another week does not). */
  private readonly notBefore = new Map<string, number>();
  /**
   * No post before this instant (ms): Slack's Retry-After. Like a post's
   * `checkAfter`, it is reckoned on the wall clock (`Date.now()`), the clock
   * of Slack and of the publisher's claims; `now` only decides what is due.
   */
  private rateLimitedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<TickReport> | undefined;
  private again = false;
  /** `idle`: ticks only when asked (tests drive it with a fake clock); `running`: wakes by itself; `stopped`: for good. */
  private state: "idle" | "running" | "stopped" = "idle";
  private wake: Date | undefined;
  /** Whether the first tick has logged which channels get the post. */
  private described = false;
  /** Whether the last tick could not read the subscriptions (logged once per outage). */
  private storeDown = false;

  constructor(options: WeeklySchedulerOptions) {
    this.options = options;
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? delay;
  }

  /** Starts: posts what is due now (a catch-up after downtime), then wakes for each next post. */
  start(): void {
    if (this.state !== "idle") return;
    this.state = "running";
    this.refresh();
  }

  /** Looks at the subscriptions again now (after a change made on this replica). */
  refresh(): void {
    if (this.state !== "running") return;
    clearTimeout(this.timer);
    this.timer = undefined;
    void this.tick().catch((error: unknown) => {
      this.options.logger.error(`Direction of the week: the scheduler failed: ${error instanceof Error ? error.message : String(error)}`);
      this.sleepUntil(this.now().getTime() + this.timing.pollMs);
    });
  }

  /** When the scheduler wakes next, as planned by the last tick (undefined before the first and after stop). */
  nextWake(): Date | undefined {
    return this.wake;
  }

  /**
   * Posts every channel whose post is due now, one after another, and plans
   * the next wake-up. One tick at a time: a tick asked for during another
   * runs right after it.
   */
  async tick(): Promise<TickReport> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.postDue();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.refresh();
      }
    }
  }

  /** Stops waking, and waits (a few seconds at most) for a post in progress to end. */
  async stop(): Promise<void> {
    this.state = "stopped";
    clearTimeout(this.timer);
    this.timer = undefined;
    this.wake = undefined;
    if (!this.running) return;
    // A post in progress may wait out a Retry-After or back off for longer than a shutdown allows: stopping
    // in the middle is a crash the publisher is built for (its claim and the channel check settle the week).
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.timing.stopGraceMs)));
    await Promise.race([this.running.catch(() => undefined), grace]);
    clearTimeout(timer);
  }

  private async postDue(): Promise<TickReport> {
    const report: TickReport = [];
    let subscriptions: Subscription[];
    try {
      subscriptions = await this.options.store.subscriptions();
    } catch (error) {
      // Said once per outage; the scheduler keeps looking every poll.
      if (!this.storeDown) {
        this.options.logger.error(`Direction of the week: cannot read the channels from the store (${error instanceof Error ? error.message : String(error)}); trying again every minute.`);
      }
      this.storeDown = true;
      this.sleepUntil(this.now().getTime() + this.timing.pollMs);
      return report;
    }
    if (this.storeDown) this.options.logger.info("Direction of the week: the store answers again.");
    this.storeDown = false;
    let earliest = this.now().getTime() + this.timing.pollMs;
    /** Each channel's next post after this tick, for the log line of the first one. */
    const upcoming = new Map<string, NextPost | undefined>();
    for (const subscription of subscriptions) {
      if (this.state === "stopped") break;
      try {
        const wake = await this.visit(subscription, report, upcoming);
        if (wake !== undefined) earliest = Math.min(earliest, wake);
      } catch (error) {
        // One channel's trouble (its store rows, a zone this Node does not know) never holds up the others.
        this.options.logger.error(`Direction of the week: channel ${subscription.channel} skipped this time: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (!this.described) {
      this.described = true;
      this.options.logger.info(`Direction of the week: ${describeChannels(subscriptions, upcoming)}.`);
    }
    this.sleepUntil(earliest);
    return report;
  }

  /** Posts the channel's week if it is due now; returns when the channel needs the scheduler next, if before the next poll. */
  private async visit(subscription: Subscription, report: TickReport, upcoming: Map<string, NextPost | undefined>): Promise<number | undefined> {
    const { channel } = subscription;
    const posted = postedWeeks(await this.options.store.posts(channel), subscription.timeZone);
    const next = nextPost(subscription, this.now(), posted);
    upcoming.set(channel, next);
    if (!next) return undefined;
    const key = `${channel} ${next.week}`;
    const waitUntil = this.notBefore.get(key);
    if (waitUntil !== undefined && waitUntil <= this.now().getTime()) this.notBefore.delete(key);
    if (!next.due || (waitUntil !== undefined && waitUntil > this.now().getTime())) return Math.max(next.at.getTime(), waitUntil ?? 0);
    // Spread the posts of one wake-up, and honour Slack's Retry-After.
    const pause = Math.max(this.rateLimitedUntil - Date.now(), report.length > 0 ? this.timing.spacingMs : 0);
    if (pause > 0) await this.sleep(pause);
    // A skip, pause, stop or new time may have come in meanwhile (on any replica).
    const current = await this.options.store.subscription(channel);
    const still = current && nextPost(current, this.now(), postedWeeks(await this.options.store.posts(channel), current.timeZone));
    if (!current || !still?.due || still.week !== next.week) {
      upcoming.set(channel, still);
      return still?.at.getTime();
    }
    const outcome = await this.publisherFor(current).publish(next.week);
    report.push({ channel, outcome });
    const retryAt = await this.afterwards(current, next.week, outcome);
    // Done with this week: its next post is next week's (or later).
    const after = nextPost(current, this.now(), (week) => week === next.week || posted(week));
    upcoming.set(channel, after);
    return Math.min(retryAt ?? Infinity, after && !after.due ? after.at.getTime() : Infinity);
  }

  /** Notes what a channel's outcome for `week` means for later; returns when to look at the channel again, if soon. */
  private async afterwards(subscription: Subscription, week: string, outcome: PublishOutcome): Promise<number | undefined> {
    const { channel } = subscription;
    const key = `${channel} ${week}`;
    const now = this.now().getTime();
    const later = (ms: number) => {
      this.notBefore.set(key, now + ms);
      return now + ms;
    };
    switch (outcome.status) {
      case "posted":
      case "found-in-channel":
        this.notBefore.delete(key);
        // Posted but not recorded: a later run finds it in the channel and records it.
        return outcome.recorded === false ? later(this.timing.retryTransientMs) : undefined;
      case "already-posted":
        this.notBefore.delete(key);
        return undefined;
      case "in-progress":
        return later(this.timing.retryInProgressMs);
      case "unknown":
        return later(Math.max(0, Date.parse(outcome.checkAfter) - Date.now()) + this.timing.settledMarginMs);
      case "failed":
        if (outcome.waitMs !== undefined) this.rateLimitedUntil = Math.max(this.rateLimitedUntil, Date.now() + outcome.waitMs);
        if (outcome.code !== undefined && CHANNEL_GONE.has(outcome.code)) {
          // The publisher's line said so, with the fix; if the mark cannot be stored now, the channel is tried again in hours.
          try {
            await this.options.channels.settle(channel, outcome);
          } catch (error) {
            this.options.logger.error(`Direction of the week: could not mark channel ${channel} broken (${error instanceof Error ? error.message : String(error)}); trying it again in hours.`);
            return later(this.timing.retryPermanentMs);
          }
          this.notBefore.delete(key);
          return undefined;
        }
        return later(outcome.permanent ? this.timing.retryPermanentMs : Math.max(this.timing.retryTransientMs, outcome.waitMs ?? 0));
    }
  }

  /** One publisher per channel (it serialises that channel's runs), rebuilt when the channel's zone or owner changes. */
  private publisherFor(subscription: Subscription): WeeklyPublisher {
    const known = this.publishers.get(subscription.channel);
    if (known && known.timeZone === subscription.timeZone && known.source === subscription.source) return known.publisher;
    const { client, store, content, logger, retry, sleep } = this.options;
    const publisher = WeeklyPublisher.forSubscription(subscription, { client, store, content, logger, ...(retry ? { retry } : {}), ...(sleep ? { sleep } : {}) });
    this.publishers.set(subscription.channel, { timeZone: subscription.timeZone, source: subscription.source, publisher });
    return publisher;
  }

  /** Plans the next wake-up at `at` (by the scheduler's clock), at most `pollMs` away; started, sleeps until then (unref'd: it never keeps the process alive). */
  private sleepUntil(at: number): void {
    if (this.state === "stopped") return;
    const now = this.now().getTime();
    const ms = Math.min(Math.max(0, at - now), this.timing.pollMs);
    this.wake = new Date(now + ms);
    if (this.state !== "running") return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), ms);
    this.timer.unref();
  }
}

/** "2 channels receive it (C1 Mondays at 09:00 Europe/Berlin, next Mon 7 Dec 2026, 09:00; C2 …)", for the log after the first tick. */
function describeChannels(subscriptions: readonly Subscription[], upcoming: ReadonlyMap<string, NextPost | undefined>): string {
  if (subscriptions.length === 0) return "no channel receives it yet (/directions weekly here in a channel turns it on)";
  const shown = subscriptions.slice(0, 10).map((s) => {
    const next = upcoming.get(s.channel);
    const when = s.broken ? `broken: ${s.broken.reason}` : next ? `next ${formatLocal(next.at, s.timeZone)}` : "paused";
    return `${s.channel} ${describeSchedule(s.schedule)} ${s.timeZone}, ${when}`;
  });
  const more = subscriptions.length > shown.length ? `, and ${subscriptions.length - shown.length} more` : "";
  return `${subscriptions.length} ${subscriptions.length === 1 ? "channel receives" : "channels receive"} it (${shown.join("; ")}${more})`;
}
