/**
 * The channels that receive the direction of the week, and every change to
 * them: what `/directions weekly …` does, the App Home shows and the scheduler
 * reads. No Slack here: the caller says who asked, in which channel and time
 * zone; every change goes through the store under the channel's lock, so two
 * replicas changing one channel never lose a change.
 *
 *   const channels = new WeeklyChannels({ store, content: new DirectionOfTheWeek(search) });
 *   await channels.here("C0123", "U0456", "Asia/Shanghai");   // Mondays 09:00 there
 *   await channels.pause("C0123", "U0456", 2);                 // the next two posts
 *   (await channels.status("C0123"))?.next?.at;
 */
import type { PostRecord, Store, Subscription, WeeklySchedule } from "../store/index.js";
import type { WeeklyConfig } from "./config.js";
import type { Choice, ScheduledContent } from "./direction-post.js";
import type { WeeklyPost } from "./post.js";
import type { PublishOutcome } from "./publisher.js";
import { CHANNEL_GONE } from "./slack-errors.js";
import { addWeeks, DEFAULT_SCHEDULE, nextPost, postedWeeks, type NextPost } from "./schedule.js";
import { isoWeekOf } from "./week.js";

/** Who set up and changed the subscription of `DIRECTIONS_CHANNEL`. */
export const DEPLOYMENT = "deployment";


/** A channel's subscription as replies show it: with its next post and that post's direction. */
export interface ChannelStatus {
  subscription: Subscription;
  /** Undefined when nothing will be posted (broken, or paused until resumed). */
  next?: NextPost;
  /** The direction the next post will bring (the channel's rotation). */
  nextChoice?: Choice;
  /** The channel's posts so far, oldest first. */
  posts: PostRecord[];
}

/**
 * The direction the App Home shows as this week's, and why: `posted` this
 * week in `status`'s channel, the `next` post of `status`'s channel, or the
 * `first` of a fresh rotation when no channel will post.
 */
export type FeaturedDirection =
  | { direction: string; kind: "posted"; status: ChannelStatus; post: PostRecord }
  | { direction: string; kind: "next"; status: ChannelStatus & { next: NextPost } }
  | { direction: string; kind: "first" };

/**
 * A change's answer: done (with the channel's status after it), or refused
 * because the channel has no subscription, or because what was asked belongs
 * to the deployment (`DIRECTIONS_CHANNEL`).
 */
export type ChangeResult =
  | { kind: "done"; status: ChannelStatus; before?: Subscription }
  | { kind: "not-subscribed" }
  | { kind: "deployment" };

export interface WeeklyChannelsOptions {
  store: Store;
  content: ScheduledContent;
  /** The clock (tests). */
  now?: () => Date;
  /** Called after every change, e.g. so that the scheduler looks again at once. */
  onChange?: () => void;
}

export class WeeklyChannels {
  private readonly store: Store;
  private readonly content: ScheduledContent;
  private readonly now: () => Date;
  private readonly onChange: () => void;

  constructor(options: WeeklyChannelsOptions) {
    this.store = options.store;
    this.content = options.content;
    this.now = options.now ?? (() => new Date());
    this.onChange = options.onChange ?? (() => undefined);
  }

  /**
   * Turns the post on in `channel` (Mondays 09:00 in `timeZone`), or repairs a
   * broken subscription, keeping its schedule; `before` is the subscription
   * there was, if any.
   */
  async here(channel: string, user: string, timeZone: string): Promise<{ status: ChannelStatus; before?: Subscription }> {
    const at = this.now().toISOString();
    let before: Subscription | undefined;
    await this.change(channel, (current) => {
      before = current;
      if (current) {
        const { broken, ...rest } = current;
        // A repaired channel's time already past this week is not made up: its next post is the next one due.
        return { ...rest, ...(broken ? { activeFrom: at } : {}), updatedBy: user, updatedAt: at };
      }
      return {
        channel,
        schedule: DEFAULT_SCHEDULE,
        timeZone,
        source: "slack",
        activeFrom: at,
        createdBy: user,
        createdAt: at,
        updatedBy: user,
        updatedAt: at,
      };
    });
    return { status: (await this.status(channel))!, ...(before ? { before } : {}) };
  }

  /** A new weekday and time (and zone, if given). The deployment's schedule is `DIRECTIONS_CRON`'s. */
  setTime(channel: string, user: string, schedule: WeeklySchedule, timeZone?: string): Promise<ChangeResult> {
    return this.changeOwn(channel, true, (current, at) => ({
      ...current,
      schedule,
      timeZone: timeZone ?? current.timeZone,
      activeFrom: at,
      updatedBy: user,
      updatedAt: at,
    }));
  }

  /** Pauses the next `weeks` posts, or every post until `resume` when `weeks` is undefined. */
  pause(channel: string, user: string, weeks?: number): Promise<ChangeResult> {
    return this.changeOwn(channel, false, (current, at, posted) => {
      if (weeks === undefined) return { ...current, paused: {}, updatedBy: user, updatedAt: at };
      // Counted from the post that would come next, paused or not.
      const { paused: _ignored, skipWeek: _skip, ...unpaused } = current;
      const first = nextPost(unpaused, this.now(), posted);
      const from = first?.week ?? this.thisWeek(current);
      return { ...current, paused: { until: addWeeks(from, weeks) }, updatedBy: user, updatedAt: at };
    });
  }

  /** Ends a pause. A post whose time passed while paused is not made up. */
  resume(channel: string, user: string): Promise<ChangeResult> {
    return this.changeOwn(channel, false, (current, at) => {
      const { paused, ...rest } = current;
      return paused ? { ...rest, activeFrom: at, updatedBy: user, updatedAt: at } : undefined; // not paused: nothing changes
    });
  }

  /** Skips the next post (this week's, unless it is out already). */
  skip(channel: string, user: string): Promise<ChangeResult> {
    return this.changeOwn(channel, false, (current, at, posted) => {
      const { skipWeek: _earlier, ...unskipped } = current;
      const next = nextPost(unskipped, this.now(), posted);
      if (!next || next.week === current.skipWeek) return undefined; // nothing to skip, or skipped already
      return { ...current, skipWeek: next.week, updatedBy: user, updatedAt: at };
    });
  }

  /**
   * Turns the post off in the channel; the channel's posts stay, so its
   * rotation goes on if it is turned on again. `status` is the channel's
   * status just before.
   */
  stop(channel: string): Promise<ChangeResult> {
    return this.changeOwn(channel, true, () => null);
  }

  /** The channel's subscription and next post, or undefined when the channel has none. */
  async status(channel: string): Promise<ChannelStatus | undefined> {
    const subscription = await this.store.subscription(channel);
    return subscription ? this.statusOf(subscription) : undefined;
  }

  /** Every subscribed channel's status, by channel id. */
  async all(): Promise<ChannelStatus[]> {
    return Promise.all((await this.store.subscriptions()).map((subscription) => this.statusOf(subscription)));
  }

  /** The message the channel's next post would be (or, with no subscription, its first post). */
  async preview(channel: string): Promise<{ post: WeeklyPost; week: string; status?: ChannelStatus } | undefined> {
    const status = await this.status(channel);
    const posts = status?.posts ?? (await this.store.posts(channel));
    const choice = status?.nextChoice ?? this.content.choose(posts);
    if (!choice) return undefined;
    const week = status?.next?.week ?? this.thisWeek(status?.subscription);
    const post = this.content.compose(week, choice);
    return post ? { post, week, ...(status ? { status } : {}) } : undefined;
  }

  /**
   * This week's direction for the App Home, given every channel's status
   * (`all()`): the one posted most recently this week (each channel's week in
   * its own zone) in any channel; else the one of the soonest next post of any
   * channel; else the first of a fresh rotation, what a channel turned on now
   * would get. Undefined when no direction can be posted.
   */
  featured(statuses: readonly ChannelStatus[]): FeaturedDirection | undefined {
    let posted: Extract<FeaturedDirection, { kind: "posted" }> | undefined;
    let next: Extract<FeaturedDirection, { kind: "next" }> | undefined;
    for (const status of statuses) {
      const week = this.thisWeek(status.subscription);
      for (const post of status.posts) {
        if (post.week === week && (!posted || post.recordedAt > posted.post.recordedAt)) posted = { direction: post.direction, kind: "posted", status, post };
      }
      if (status.next && status.nextChoice && (!next || status.next.at < next.status.next.at)) {
        next = { direction: status.nextChoice.direction, kind: "next", status: { ...status, next: status.next } };
      }
    }
    const found = posted ?? next;
    if (found) return found;
    const first = this.content.choose([]);
    return first ? { direction: first.direction, kind: "first" } : undefined;
  }

  /** Marks a subscription broken: its channel went away (`reason`: Slack's error). */
  async markBroken(channel: string, reason: string): Promise<void> {
    await this.change(channel, (current) => {
      if (!current || current.broken?.reason === reason) return undefined;
      return { ...current, broken: { reason, since: this.now().toISOString() } };
    });
  }

  /**
   * Notes what a publisher's run means for the channel's subscription: a
   * channel that went away is marked broken; one that got its post is no
   * longer broken (a post made by `post-weekly --channel` repairs it).
   */
  async settle(channel: string, outcome: PublishOutcome): Promise<void> {
    if (outcome.status === "failed" && outcome.code !== undefined && CHANNEL_GONE.has(outcome.code)) {
      await this.markBroken(channel, outcome.code);
    } else if (outcome.status === "posted" || outcome.status === "found-in-channel" || outcome.status === "already-posted") {
      await this.change(channel, (current) => {
        if (!current?.broken) return undefined;
        const { broken: _repaired, ...rest } = current;
        return rest;
      });
    }
  }

  /**
   * Makes the store's deployment subscription match `DIRECTIONS_CHANNEL`,
   * `DIRECTIONS_CRON` and `DIRECTIONS_TZ` (keeping a pause or skip set from
   * Slack). A channel the deployment no longer names loses its subscription,
   * unless it had turned the post on from Slack before: then it is its own
   * again, on the deployment's last schedule.
   */
  async syncDeployment(config: WeeklyConfig | undefined): Promise<void> {
    for (const subscription of await this.store.subscriptions()) {
      if (subscription.source === "deployment" && subscription.channel !== config?.channel) {
        await this.change(subscription.channel, (current) => {
          if (current?.source !== "deployment") return undefined;
          return current.createdBy === DEPLOYMENT ? null : { ...current, source: "slack" };
        });
      }
    }
    if (!config) return;
    await this.store.changeSubscription(config.channel, (current) => {
      const same = current?.source === "deployment" && "cron" in current.schedule && current.schedule.cron === config.cron && current.timeZone === config.timeZone;
      return same ? undefined : deploymentSubscription(config, this.now(), current);
    });
  }

  /** The ISO week now in the subscription's zone (UTC without one). */
  private thisWeek(subscription: Subscription | undefined): string {
    return isoWeekOf(this.now(), subscription?.timeZone ?? "UTC");
  }

  private async statusOf(subscription: Subscription): Promise<ChannelStatus> {
    const posts = await this.store.posts(subscription.channel);
    const next = nextPost(subscription, this.now(), postedWeeks(posts, subscription.timeZone));
    const nextChoice = this.content.choose(posts);
    return { subscription, posts, ...(next ? { next } : {}), ...(nextChoice ? { nextChoice } : {}) };
  }

  /**
   * A change to a channel's own subscription: refused when there is none, and,
   * where `slackOnly`, when it is the deployment's; both decided under the
   * channel's lock. `change` gets the current subscription, the time, and
   * which weeks are posted; undefined leaves it as it is, null removes it
   * (the result's status is then the one it had).
   */
  private async changeOwn(
    channel: string,
    slackOnly: boolean,
    change: (current: Subscription, at: string, posted: (week: string) => boolean) => Subscription | null | undefined,
  ): Promise<ChangeResult> {
    const posts = await this.store.posts(channel);
    let before: Subscription | undefined;
    let refused: ChangeResult | undefined;
    await this.change(channel, (current) => {
      before = current;
      if (!current) refused = { kind: "not-subscribed" };
      else if (slackOnly && current.source === "deployment") refused = { kind: "deployment" };
      if (refused || !current) return undefined;
      return change(current, this.now().toISOString(), postedWeeks(posts, current.timeZone));
    });
    if (refused) return refused;
    const status = (await this.status(channel)) ?? (before && (await this.statusOf(before)));
    if (!status) return { kind: "not-subscribed" };
    return { kind: "done", status, ...(before ? { before } : {}) };
  }

  private async change(channel: string, change: (current: Subscription | undefined) => Subscription | null | undefined): Promise<void> {
    await this.store.changeSubscription(channel, change);
    this.onChange();
  }
}

/**
 * `DIRECTIONS_CHANNEL`'s subscription: the deployment's schedule and zone,
 * keeping what `current` (its row, if any) holds besides (a pause or skip set
 * from Slack, who turned it on first). A deployment catches up within the
 * week at start-up, as it always has, even after a change of schedule.
 */
export function deploymentSubscription(config: Pick<WeeklyConfig, "channel" | "cron" | "timeZone">, now: Date, current?: Subscription): Subscription {
  const at = now.toISOString();
  return {
    ...(current ?? {}),
    channel: config.channel,
    schedule: { cron: config.cron },
    timeZone: config.timeZone,
    source: "deployment",
    activeFrom: new Date(0).toISOString(),
    createdBy: current?.createdBy ?? DEPLOYMENT,
    createdAt: current?.createdAt ?? at,
    updatedBy: DEPLOYMENT,
    updatedAt: at,
  };
}
