/**
 * `directions post-weekly [--dry-run] [--date YYYY-MM-DD [--force]]`: the one-shot run
 * for external schedulers (plain cron, a Kubernetes CronJob). It goes through
 * the very same publisher, store and rules as the bot's own schedule, so
 * both can run side by side and a week is still posted once.
 */
import { existsSync } from "node:fs";
import { ConfigError } from "../config.js";
import { openStore, readStoreConfig, StoreError, type Store, type StoreConfig, type WeekView } from "../store/index.js";
import { delay } from "./claims.js";
import type { WeeklyLogger } from "./logger.js";
import { mrkdwnToPlain, renderPostAsText } from "./post.js";
import { DirectionOfTheWeek, type WeeklySearch } from "./direction-post.js";
import { createWeeklyClient, planWeek, WeeklyPublisher, type RetryPolicy } from "./publisher.js";
import { readWeeklySettings, type WeeklySettings } from "./config.js";
import { importLegacyState } from "./legacy-state.js";
import { DAY_MS, isoWeekOf, isoWeekOfDate, parseCalendarDate } from "./week.js";

/** A --date further than this from today is most likely a typo: it needs --force. */
const MAX_DATE_DISTANCE_WEEKS = 4;

export const POST_WEEKLY_USAGE = `Usage: directions post-weekly [--dry-run] [--date YYYY-MM-DD [--force]]

Posts the direction of the week to DIRECTIONS_CHANNEL, once per ISO week
(weeks are counted in DIRECTIONS_TZ). Run again in the same week, it posts
nothing and exits 0, so it is safe to run from cron or a Kubernetes CronJob.

  --dry-run          print the post instead of posting it (no Slack token needed)
  --date YYYY-MM-DD  post for the week containing this date (default: today)
  --force            allow a --date more than ${MAX_DATE_DISTANCE_WEEKS} weeks from today
  -h, --help         show this help

Environment: SLACK_BOT_TOKEN, DIRECTIONS_CHANNEL, DIRECTIONS_TZ (default UTC),
DATABASE_URL or DIRECTIONS_DB (default data/directions.db), SLACK_API_URL (optional).
Exit status: 0 posted or nothing to do, 1 could not post (or the outcome of a
post is not known yet: run it again later), 2 bad usage or settings.`;

interface Output {
  write(text: string): unknown;
}

export interface PostWeeklyIo {
  env?: Record<string, string | undefined>;
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
  date?: string;
  force: boolean;
  help: boolean;
}

function parseFlags(args: readonly string[]): Flags | string {
  const flags: Flags = { dryRun: false, force: false, help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--dry-run") flags.dryRun = true;
    else if (arg === "--force") flags.force = true;
    else if (arg === "-h" || arg === "--help") flags.help = true;
    else if (arg === "--date" || arg.startsWith("--date=")) {
      const value = arg === "--date" ? args[++i] : arg.slice("--date=".length);
      if (value === undefined || value.startsWith("-")) return "--date needs a date, e.g. --date 2026-03-02";
      if (!parseCalendarDate(value)) return `--date must be a calendar date YYYY-MM-DD (got "${value}")`;
      flags.date = value.trim();
    } else return `unknown argument: ${arg}`;
  }
  return flags;
}

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
  const today = (io.now ?? (() => new Date()))();
  const week = flags.date ? isoWeekOfDate(flags.date) : isoWeekOf(today, settings.timeZone);
  if (flags.date && !flags.dryRun && !flags.force) {
    const days = Math.round(Math.abs(Date.parse(`${flags.date}T12:00:00Z`) - today.getTime()) / DAY_MS);
    if (days > MAX_DATE_DISTANCE_WEEKS * 7) {
      err(
        `directions post-weekly: --date ${flags.date} is ${days} days from today; ` +
          `add --force to post for week ${week} anyway (or --dry-run to see the post).`,
      );
      return 2;
    }
  }

  const token = env.SLACK_BOT_TOKEN?.trim();
  if (!flags.dryRun) {
    if (!settings.channel) {
      err(
        "directions post-weekly: DIRECTIONS_CHANNEL is not set: set it to the id of the channel to post to (e.g. C0123456789), or use --dry-run.",
      );
      return 2;
    }
    if (!token) {
      err(
        "directions post-weekly: SLACK_BOT_TOKEN is not set: set it to the app's Bot User OAuth Token (xoxb-…), or use --dry-run.",
      );
      return 2;
    }
  }

  let search: WeeklySearch;
  try {
    search = await io.loadSearch();
  } catch (error) {
    err(`directions post-weekly: cannot load the corpus: ${(error as Error).message}`);
    return 1;
  }

  if (flags.dryRun) {
    // A dry run changes nothing: with no SQLite file yet, it does not create one.
    const fresh = storeConfig.engine === "sqlite" && !existsSync(storeConfig.path);
    const view = fresh || !settings.channel ? { posts: [] } : await withStore(storeConfig, (store) => store.week(settings.channel!, week));
    if (view === undefined) return 1;
    const content = new DirectionOfTheWeek(search);
    const plan = planWeek(view, week, content);
    const choice = plan.posted ?? plan.choice;
    out("Dry run: nothing is posted and nothing is recorded.");
    if (view.posts.length === 0) out("Note: no posts recorded for this channel yet; a real run first rebuilds the rotation from its earlier posts in the channel.");
    if (!choice) {
      err("directions post-weekly: the corpus has no directions (corpus/directions.yaml).");
      return 1;
    }
    const post = content.compose(week, choice);
    out(`Week ${week} (${settings.timeZone}), channel ${settings.channel ?? "(DIRECTIONS_CHANNEL not set)"}.`);
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

  const logger: WeeklyLogger = { info: out, warn: err, error: err };
  const code = await withStore(storeConfig, async (store) => {
    await importLegacyState(settings.statePath, store, logger);
    return publish(store);
  });
  return code ?? 1;

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

  async function publish(store: Store): Promise<number> {
  const publisher = new WeeklyPublisher({
    client: createWeeklyClient(token!, {
      ...(env.SLACK_API_URL?.trim() ? { apiUrl: env.SLACK_API_URL.trim() } : {}),
      ...(io.retry?.requestTimeoutMs ? { timeoutMs: io.retry.requestTimeoutMs } : {}),
    }),
    channel: settings.channel!,
    timeZone: settings.timeZone,
    store,
    content: new DirectionOfTheWeek(search),
    logger,
    ...(io.retry ? { retry: io.retry } : {}),
    ...(io.sleep ? { sleep: io.sleep } : {}),
  });
  const outcome = await publisher.publish(week);
  if (outcome.status === "in-progress") return waitForOtherRun(() => store.week(settings.channel!, week), week, io.sleep, out, err);
  // Exit 1 too for a post the store could not record: a retry of the job records it (the channel check finds it).
  if (outcome.status === "failed" || outcome.status === "unknown" || ("recorded" in outcome && outcome.recorded === false)) return 1;
  return 0;
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
