/**
 * The weekly job inside the running bot: a node-cron schedule in the team's
 * time zone, plus a catch-up at start-up, since node-cron has no memory: a
 * run missed while the bot was down is simply gone. On start, if this week's
 * scheduled time has passed and the week is not posted, we post now; earlier
 * weeks are not back-filled (a post about "last week" helps nobody).
 *
 * The job only decides *when*; whether the week still needs a post is the
 * publisher's business (state + channel history), so an extra trigger — a
 * restart, a daily cron expression, a retry — never causes a second post.
 */
import cron, { type ScheduledTask } from "node-cron";
import type { Store } from "../store/index.js";
import type { WeeklyConfig } from "./config.js";
import { consoleLogger, type WeeklyLogger } from "./logger.js";
import { DirectionOfTheWeek, type WeeklySearch } from "./direction-post.js";
import { createWeeklyClient, WeeklyPublisher, type PublishOutcome } from "./publisher.js";
import { isoWeekOf, parseCalendarDate, weekDays, zonedTimeToInstant } from "./week.js";

/** After a failed run, try again this much later (within the same week). */
export const RETRY_AFTER_TRANSIENT_MS = 15 * 60_000;
export const RETRY_AFTER_PERMANENT_MS = 6 * 60 * 60_000;
/** After a post with an unknown outcome, check this long after the check can be trusted. */
export const RETRY_AFTER_SETTLED_MS = 5_000;

export interface WeeklyJobOptions {
  config: WeeklyConfig;
  search: WeeklySearch;
  logger?: WeeklyLogger;
  /** Where claims and records are kept (for the publisher built from token/apiUrl). */
  store?: Store;
  /** Bot token (xoxb-…) for the job's own retry-free Slack client. */
  token?: string;
  /** Base URL of the Slack Web API (GovSlack, tests); default slack.com. */
  apiUrl?: string;
  /** Replaces the publisher built from token/apiUrl (tests). */
  publisher?: Pick<WeeklyPublisher, "publish">;
  /** The clock of the start-up catch-up (tests). */
  now?: () => Date;
}

export interface WeeklyJob {
  /** Settles when the start-up catch-up is done: its outcome, or undefined when none was due. */
  readonly catchUp: Promise<PublishOutcome | undefined>;
  /** The next scheduled run. */
  nextRun(): Date | null;
  /** Stops the schedule and retries, and waits for a run in progress to finish (runs are bounded). */
  stop(): Promise<void>;
}

/**
 * The first instant in `week` at which `cronExpression` fires in `timeZone`,
 * or undefined when it does not fire that week. Uses node-cron's own matcher,
 * so it agrees with the schedule (day-of-week/month rules, DST gaps skipped).
 */
export function firstScheduledTimeInWeek(cronExpression: string, timeZone: string, week: string): Date | undefined {
  const fields = cron.parse(cronExpression);
  const numbers = (values: (number | string)[]) =>
    values.filter((v): v is number => typeof v === "number").sort((a, b) => a - b);
  const [hours, minutes, seconds] = [numbers(fields.hour), numbers(fields.minute), numbers(fields.second)];
  const task = cron.createTask(cronExpression, () => undefined, { timezone: timeZone });
  try {
    for (const day of weekDays(week)) {
      const date = parseCalendarDate(day)!;
      // The time fields hold for every candidate by construction, so the first
      // existing candidate tells whether the day matches at all.
      dayLoop: for (const hour of hours) {
        for (const minute of minutes) {
          for (const second of seconds) {
            const instant = zonedTimeToInstant({ ...date, hour, minute, second }, timeZone);
            if (!instant) continue; // inside a spring-forward gap: node-cron skips it too
            if (task.match(instant)) return instant;
            break dayLoop;
          }
        }
      }
    }
    return undefined;
  } finally {
    void task.destroy();
  }
}

/** Starts the weekly schedule and the start-up catch-up. */
export function startWeeklyJob(options: WeeklyJobOptions): WeeklyJob {
  const { config } = options;
  const logger = options.logger ?? consoleLogger;
  const now = options.now ?? (() => new Date());
  const publisher = options.publisher ?? buildPublisher(options, logger);

  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();

  const run = (at: Date): Promise<PublishOutcome> => {
    const week = isoWeekOf(at, config.timeZone);
    const outcome = publisher.publish(week).then((result) => {
      if (result.status === "failed") scheduleRetry(week, result.permanent ? RETRY_AFTER_PERMANENT_MS : RETRY_AFTER_TRANSIENT_MS);
      // Posted but not recorded: the next run of the week finds it in the channel and records it (else next week repeats it).
      if ((result.status === "posted" || result.status === "found-in-channel") && result.recorded === false) scheduleRetry(week, RETRY_AFTER_TRANSIENT_MS);
      // Another run is posting: check back later in case it dies without finishing.
      if (result.status === "in-progress") scheduleRetry(week, RETRY_AFTER_TRANSIENT_MS);
      // A post may have landed: check the channel as soon as that check can be trusted.
      if (result.status === "unknown") scheduleRetry(week, Math.max(0, Date.parse(result.checkAfter) - Date.now()) + RETRY_AFTER_SETTLED_MS);
      return result;
    });
    inFlight = outcome.catch(() => undefined);
    return outcome;
  };

  // A failed week is tried again later in the same week: soon after a
  // transient failure, every few hours after a permanent one (an admin may
  // have invited the bot meanwhile). Unref'd: it never keeps the process alive.
  const scheduleRetry = (week: string, delayMs: number) => {
    if (stopped) return;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      const current = new Date();
      if (!stopped && isoWeekOf(current, config.timeZone) === week) void run(current);
    }, delayMs);
    retryTimer.unref();
  };

  const task: ScheduledTask = cron.schedule(config.cron, (context) => run(context.date), {
    name: "directions-weekly",
    timezone: config.timeZone,
    noOverlap: true,
    logger: {
      info: (message) => logger.info(`node-cron: ${message}`),
      warn: (message) => logger.warn(`node-cron: ${message}`),
      error: (message) => logger.error(`node-cron: ${message instanceof Error ? message.message : message}`),
      debug: () => undefined,
    },
  });

  const catchUp = (async (): Promise<PublishOutcome | undefined> => {
    const started = now();
    const week = isoWeekOf(started, config.timeZone);
    const due = firstScheduledTimeInWeek(config.cron, config.timeZone, week);
    if (!due || due.getTime() > started.getTime()) return undefined;
    return run(started);
  })().catch((error: unknown) => {
    logger.error(`Direction of the week: start-up catch-up failed: ${(error as Error).message}`);
    return undefined;
  });

  logger.info(
    `Direction of the week: scheduled "${config.cron}" in ${config.timeZone} to channel ${config.channel}; ` +
      `next run ${task.getNextRun()?.toISOString() ?? "never"}.`,
  );

  return {
    catchUp,
    nextRun: () => task.getNextRun(),
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      await task.destroy();
      await catchUp;
      await inFlight;
    },
  };
}

function buildPublisher(options: WeeklyJobOptions, logger: WeeklyLogger): WeeklyPublisher {
  if (!options.token) throw new Error("startWeeklyJob needs the bot token (SLACK_BOT_TOKEN)");
  if (!options.store) throw new Error("startWeeklyJob needs the store");
  return new WeeklyPublisher({
    client: createWeeklyClient(options.token, options.apiUrl ? { apiUrl: options.apiUrl } : {}),
    channel: options.config.channel,
    timeZone: options.config.timeZone,
    store: options.store,
    content: new DirectionOfTheWeek(options.search),
    logger,
  });
}
