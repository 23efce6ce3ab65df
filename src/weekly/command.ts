/**
 * `directions post-weekly [--channel C…] [--date YYYY-MM-DD [--force]] [--dry-run]`:
 * the one-shot run for external schedulers (plain cron, a Kubernetes
 * CronJob). It goes through the very same subscriptions, publisher, store and
 * rules as the bot's own scheduler, so both can run side by side and a week
 * is still posted once per channel.
 */
import { existsSync } from "node:fs";
import { ConfigError, setting, type Env } from "../config.js";
import { openStore, readStoreConfig, StoreError, type Store, type StoreConfig, type Subscription, type WeekView } from "../store/index.js";
import { delay } from "./claims.js";
import type { WeeklyLogger } from "./logger.js";
import { mrkdwnToPlain } from "../slack/text.js";
import { renderPostAsText } from "./post.js";
import { DirectionOfTheWeek, type WeeklySearch } from "./direction-post.js";
import { createWeeklyClient, planWeek, WeeklyPublisher, type RetryPolicy } from "./publisher.js";
import { CHANNEL_ID_RE, readWeeklySettings, type WeeklySettings } from "./config.js";
import { deploymentSubscription, WeeklyChannels } from "./channels.js";
import { importLegacyState } from "./legacy-state.js";
import { formatLocal, holdOf, nextPost, postedWeeks } from "./schedule.js";
import { DEFAULT_TIMING } from "./scheduler.js";
import { DAY_MS, isoWeekOf, isoWeekOfDate, parseCalendarDate } from "./week.js";

/** A --date further than this from today is most likely a typo: it needs --force. */
const MAX_DATE_DISTANCE_WEEKS = 4;

export const POST_WEEKLY_USAGE = `Usage: directions post-weekly [--channel C…] [--date YYYY-MM-DD [--force]] [--dry-run]

Posts the direction of the week where it is due, once per channel and ISO week
(counted in each channel's time zone): in every channel that turned it on from
Slack (/directions weekly here) whose time has come this week, and in
DIRECTIONS_CHANNEL whenever it runs (there, whatever runs this command is the
schedule). Paused and skipped weeks are left alone. Run again in the same week,
it posts nothing and exits 0, so it is safe to run from cron or a Kubernetes CronJob.

  --channel C…       only this channel, posted now even before its time (repeat for more)
  --date YYYY-MM-DD  post for the week containing this date, now (default: this week)
  --force            allow a --date more than ${MAX_DATE_DISTANCE_WEEKS} weeks from today
  --dry-run          print what would be posted instead of posting it (no Slack token needed)
  -h, --help         show this help

Environment: SLACK_BOT_TOKEN, DIRECTIONS_CHANNEL and DIRECTIONS_TZ (optional),
DATABASE_URL or DIRECTIONS_DB (default data/directions.db), SLACK_API_URL (optional).
Exit status: 0 posted or nothing to do, 1 could not post (or the outcome of a
post is not known yet: run it again later), 2 bad usage or settings.`;

interface Output {
  write(text: string): unknown;
}

export interface PostWeeklyIo {
  env?: Env;
  stdout?: Output;
  stderr?: Output;
  cwd?: string;
  /** "Today" (tests). */
  now?: () => Date;
  /** Loads the corpus search (the CLI's, which also prints the corpus's warnings). */
  loadSearch: () => WeeklySearch | Promise<WeeklySearch>;
  /** Retry tuning and waiting (tests). */
  retry?: Partial<RetryPolicy>;
  /** How long to wait for an unreachable PostgreSQL (tests). */
  connectTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface Flags {
  dryRun: boolean;
  channels: string[];
  date?: string;
  force: boolean;
  help: boolean;
}

function parseFlags(args: readonly string[]): Flags | string {
  const flags: Flags = { dryRun: false, channels: [], force: false, help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--dry-run") flags.dryRun = true;
    else if (arg === "--force") flags.force = true;
    else if (arg === "-h" || arg === "--help") flags.help = true;
    else if (arg === "--channel" || arg.startsWith("--channel=")) {
      const value = arg === "--channel" ? args[++i] : arg.slice("--channel=".length);
      if (value === undefined || value.startsWith("-")) return "--channel needs a channel id, e.g. --channel C0123456789";
      for (const channel of value.split(",").map((c) => c.trim()).filter(Boolean)) {
        if (!CHANNEL_ID_RE.test(channel)) return `--channel takes channel ids such as C0123456789 (got "${channel}")`;
        flags.channels.push(channel);
      }
    } else if (arg === "--date" || arg.startsWith("--date=")) {
      const value = arg === "--date" ? args[++i] : arg.slice("--date=".length);
      if (value === undefined || value.startsWith("-")) return "--date needs a date, e.g. --date 2026-03-02";
      if (!parseCalendarDate(value)) return `--date must be a calendar date YYYY-MM-DD (got "${value}")`;
      flags.date = value.trim();
    } else return `unknown argument: ${arg}`;
  }
  return flags;
}

/** What one channel's run comes to: posted or nothing to do (ok), or a failure. */
type ChannelResult = "ok" | "failed";

/** Runs `post-weekly`; resolves to the process exit code. */
export async function postWeeklyCommand(args: string[], io: PostWeeklyIo): Promise<number> {
  const env = io.env ?? process.env;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const out = (line: string) => void stdout.write(`${line}\n`);
  const err = (line: string) => void stderr.write(`${line}\n`);

  const flags = parseFlags(args);
  if (typeof flags === "string") {
    err(`directions post-weekly: ${flags}\n\n${POST_WEEKLY_USAGE}`);
    return 2;
  }
  if (flags.help) {
    out(POST_WEEKLY_USAGE);
    return 0;
  }

  let settings: WeeklySettings;
  let storeConfig: StoreConfig;
  try {
    settings = readWeeklySettings(env, io.cwd ?? process.cwd());
    storeConfig = readStoreConfig(env, io.cwd ?? process.cwd());
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StoreError) {
      err(`directions post-weekly: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const now = io.now ?? (() => new Date());
  const today = now();
  if (flags.date && !flags.dryRun && !flags.force) {
    const days = Math.round(Math.abs(Date.parse(`${flags.date}T12:00:00Z`) - today.getTime()) / DAY_MS);
    if (days > MAX_DATE_DISTANCE_WEEKS * 7) {
      err(
        `directions post-weekly: --date ${flags.date} is ${days} days from today; ` +
          `add --force to post for week ${isoWeekOfDate(flags.date)} anyway (or --dry-run to see the post).`,
      );
      return 2;
    }
  }

  const token = setting(env, "SLACK_BOT_TOKEN");
  if (!flags.dryRun && !token) {
    err("directions post-weekly: SLACK_BOT_TOKEN is not set: set it to the app's Bot User OAuth Token (xoxb-…), or use --dry-run.");
    return 2;
  }

  let search: WeeklySearch;
  try {
    search = await io.loadSearch();
  } catch (error) {
    err(`directions post-weekly: cannot load the corpus: ${(error as Error).message}`);
    return 1;
  }
  const content = new DirectionOfTheWeek(search);
  /** Named channels and a --date are posted whatever the time. */
  const forced = flags.channels.length > 0 || flags.date !== undefined;
  const deployment = settings.channel ? { ...settings, channel: settings.channel } : undefined;
  /** The week a channel's run is about: --date's, or this week in the channel's zone. */
  const weekOf = ({ timeZone }: { timeZone: string }) => (flags.date ? isoWeekOfDate(flags.date) : isoWeekOf(today, timeZone));

  /** The channels to look at: those named, else every subscribed one; undefined (having said why) when none is right. */
  const targets = (subscriptions: Subscription[]): Subscription[] | undefined => {
    if (flags.channels.length === 0) {
      if (subscriptions.length > 0 || flags.dryRun) return subscriptions;
      err(
        "directions post-weekly: DIRECTIONS_CHANNEL is not set and no channel turned the post on from Slack (/directions weekly here): " +
          "there is nowhere to post. Set DIRECTIONS_CHANNEL to a channel id (e.g. C0123456789), or use --dry-run.",
      );
      return undefined;
    }
    const unknown = flags.channels.filter((channel) => !subscriptions.some((s) => s.channel === channel));
    if (unknown.length > 0) {
      err(
        `directions post-weekly: ${unknown.join(", ")} ${unknown.length === 1 ? "does" : "do"} not receive the weekly post: ` +
          "run /directions weekly here in that channel first (or set DIRECTIONS_CHANNEL).",
      );
      return undefined;
    }
    return subscriptions.filter((s) => flags.channels.includes(s.channel));
  };

  if (flags.dryRun) {
    // A dry run changes nothing: with no SQLite file yet, it does not create one.
    const fresh = storeConfig.engine === "sqlite" && !existsSync(storeConfig.path);
    const read = fresh
      ? { subscriptions: [] as Subscription[], views: new Map<string, WeekView>() }
      : await withStore(storeConfig, async (store) => {
          const subscriptions = await store.subscriptions();
          const views = new Map<string, WeekView>();
          for (const s of subscriptions) views.set(s.channel, await store.week(s.channel, weekOf(s)));
          if (deployment && !views.has(deployment.channel)) views.set(deployment.channel, await store.week(deployment.channel, weekOf(deployment)));
          return { subscriptions, views };
        });
    if (read === undefined) return 1;
    let subscriptions = read.subscriptions;
    if (deployment && !subscriptions.some((s) => s.channel === deployment.channel)) subscriptions = [...subscriptions, deploymentSubscription(deployment, today)];
    const chosen = targets(subscriptions);
    if (chosen === undefined) return 2;
    out("Dry run: nothing is posted and nothing is recorded.");
    if (chosen.length === 0) {
      out("No channel receives the weekly post yet (DIRECTIONS_CHANNEL is not set, and none turned it on from Slack). A new channel's first post would read:");
      out("");
      return printPlan({ posts: [] }, weekOf(settings));
    }
    let code = 0;
    for (const subscription of chosen) {
      const week = weekOf(subscription);
      out("");
      out(`Week ${week} (${subscription.timeZone}), channel ${subscription.channel}.`);
      const view = read.views.get(subscription.channel) ?? { posts: [] };
      if (view.posts.length === 0) out("Note: no posts recorded for this channel yet; a real run first rebuilds the rotation from its earlier posts in the channel.");
      const why = whyNotNow(subscription, week, view);
      if (why) out(`A real run would post nothing now: ${why}. The channel's next post would read:`);
      code = Math.max(code, printPlan(view, week));
    }
    return code;
  }

  const logger: WeeklyLogger = { info: out, warn: err, error: err };
  const code = await withStore(storeConfig, async (store) => {
    await importLegacyState(settings.statePath, store, logger);
    const channels = new WeeklyChannels({ store, content, now });
    if (deployment) await channels.syncDeployment(deployment);
    const chosen = targets(await store.subscriptions());
    if (chosen === undefined) return 2;
    const apiUrl = setting(env, "SLACK_API_URL");
    const client = createWeeklyClient(token!, {
      ...(apiUrl ? { apiUrl } : {}),
      ...(io.retry?.requestTimeoutMs ? { timeoutMs: io.retry.requestTimeoutMs } : {}),
    });
    let failed = false;
    let posted = 0;
    for (const subscription of chosen) {
      const week = weekOf(subscription);
      const why = whyNotNow(subscription, week, await store.week(subscription.channel, week));
      if (why) {
        out(`Direction of the week ${week}, channel ${subscription.channel}: ${why}; nothing to do.`);
        continue;
      }
      if (posted++ > 0) await (io.sleep ?? delay)(DEFAULT_TIMING.spacingMs); // about one message a second
      const result = await publish(store, channels, client, subscription, week);
      failed ||= result === "failed";
    }
    return failed ? 1 : 0;
  });
  return code ?? 1;

  /**
   * Why a channel gets no post now, if so: paused or skipped, or (in a run
   * over every channel) its time this week has not come. A channel named
   * with --channel, a --date, and DIRECTIONS_CHANNEL (whose schedule is
   * whatever runs this command) are posted whatever the time.
   */
  function whyNotNow(subscription: Subscription, week: string, view: WeekView): string | undefined {
    if (view.posts.some((post) => post.week === week)) return undefined; // the publisher says "already posted"
    const hold = holdOf(subscription, week);
    if (hold === "paused" || hold === "skipped") return `week ${week} is ${hold} (/directions weekly status)`;
    const anyTime = forced || (subscription.source === "deployment" && subscription.channel === deployment?.channel);
    if (anyTime) return undefined;
    if (hold === "broken") return `the channel is broken (${subscription.broken!.reason}); run /directions weekly here in it to repair`;
    const next = nextPost(subscription, today, postedWeeks(view.posts, subscription.timeZone));
    if (next?.due && next.week === week) return undefined;
    return next ? `its next post is ${formatLocal(next.at, subscription.timeZone)} (${subscription.timeZone})` : "no post is planned";
  }

  /** Prints what a channel's week would post (dry run). */
  function printPlan(view: WeekView, week: string): number {
    const plan = planWeek(view, week, content);
    const choice = plan.posted ?? plan.choice;
    if (!choice) {
      err("directions post-weekly: the corpus has no directions (corpus/directions.yaml).");
      return 1;
    }
    const post = content.compose(week, choice);
    if (plan.posted) {
      out(`Already posted this week (${plan.posted.direction}, ts ${plan.posted.ts}): a real run would post nothing. That post reads:`);
    } else {
      out(`Would post direction "${choice.direction}" (rotation cycle ${choice.cycle}):`);
    }
    out("");
    out(post ? renderPostAsText(post) : `(direction ${choice.direction} is no longer in the corpus)`);
    if (post) {
      out("");
      out(`Notification text: ${mrkdwnToPlain(post.text)}`);
    }
    return 0;
  }

  /** Opens the store for `use` and closes it after; undefined (having said why) when it cannot be opened. */
  async function withStore<T>(config: StoreConfig, use: (store: Store) => Promise<T>): Promise<T | undefined> {
    let store: Store;
    try {
      store = await openStore(config, { ...(io.connectTimeoutMs !== undefined ? { connectTimeoutMs: io.connectTimeoutMs } : {}) });
    } catch (error) {
      err(`directions post-weekly: ${error instanceof StoreError ? error.message : String(error)}`);
      return undefined;
    }
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  }

  /** Posts one channel's week; marks the channel broken when it went away, repaired when a post lands again. */
  async function publish(store: Store, channels: WeeklyChannels, client: ReturnType<typeof createWeeklyClient>, subscription: Subscription, week: string): Promise<ChannelResult> {
    const { channel } = subscription;
    const publisher = WeeklyPublisher.forSubscription(subscription, { client, store, content, logger, ...(io.retry ? { retry: io.retry } : {}), ...(io.sleep ? { sleep: io.sleep } : {}) });
    const outcome = await publisher.publish(week);
    await channels.settle(channel, outcome);
    if (outcome.status === "in-progress") return (await waitForOtherRun(() => store.week(channel, week), week, io.sleep, out, err)) === 0 ? "ok" : "failed";
    // A failure too for a post the store could not record: a retry of the job records it (the channel check finds it).
    if (outcome.status === "failed" || outcome.status === "unknown" || ("recorded" in outcome && outcome.recorded === false)) return "failed";
    return "ok";
  }
}


/** How long `post-weekly` waits for a concurrent run (the bot's own schedule, say) to finish the week. */
const OTHER_RUN_POLLS = 40;
const OTHER_RUN_POLL_MS = 500;

/**
 * Another run holds this week's claim (e.g. the bot's schedule fired at the
 * same minute as the CronJob). Rather than exit 0 on a post that may yet fail,
 * wait (bounded) for that run's result, so the exit status tells the truth.
 */
async function waitForOtherRun(
  read: () => Promise<WeekView>,
  week: string,
  sleep: ((ms: number) => Promise<void>) | undefined,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const wait = sleep ?? delay;
  for (let poll = 0; poll < OTHER_RUN_POLLS; poll++) {
    await wait(OTHER_RUN_POLL_MS);
    const current = await read();
    const posted = current.posts.find((p) => p.week === week);
    if (posted) {
      out(`Direction of the week ${week}: the other run posted it (${posted.direction}, ts ${posted.ts}); nothing to do.`);
      return 0;
    }
    if (!current.claim) {
      err(`Direction of the week ${week}: the other run gave up without posting (see its log); run post-weekly again.`);
      return 1;
    }
  }
  err(`Direction of the week ${week}: another run is still posting it; check the channel, or run post-weekly again later.`);
  return 1;
}
