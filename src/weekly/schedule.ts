/**
 * When a channel's direction of the week is due: pure functions of a
 * subscription, the clock and the weeks already posted.
 *
 *   const next = nextPost(subscription, new Date(), (week) => postedWeeks.has(week));
 *   if (next?.due) await publisher.publish(next.week);
 *
 * A week's time is the subscription's weekday and wall-clock time in its
 * zone; a time that does not exist that day (a spring-forward gap) becomes the
 * first one that does, and a time that happens twice (autumn) counts once,
 * since a week is posted once whatever the clock does.
 */
import cron from "node-cron";
import type { Subscription, WeeklySchedule } from "../store/index.js";
import { isoWeekOf, isoWeekOfDate, localDateTime, parseCalendarDate, weekDays, zonedTimeToInstant } from "./week.js";

/** Weekday names as accepted and shown, Monday first (ISO weekday = index + 1). */
export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;

/** The default of `weekly here`: Mondays at 09:00. */
export const DEFAULT_SCHEDULE: WeeklySchedule = { day: 1, minute: 9 * 60 };

/** How far ahead the next post is looked for (a pause may last up to a year). */
const WEEKS_AHEAD = 60;

/** The post of one week: when, and whether that time has come. */
export interface NextPost {
  /** ISO week in the subscription's zone, e.g. `2026-W50`. */
  week: string;
  at: Date;
  /** Its time has passed and the week is not posted: post now (a catch-up after downtime, within the week). */
  due: boolean;
}

/** ISO weekday (1 Monday … 7 Sunday) of `mon`, `Monday`, `mondays`, …; undefined for anything else. */
export function parseWeekday(text: string): number | undefined {
  const word = text.trim().toLowerCase().replace(/s$/, "");
  if (word.length < 3) return undefined;
  const index = WEEKDAYS.findIndex((day) => day.startsWith(word) || (word.length > 3 && day === word));
  return index >= 0 ? index + 1 : undefined;
}

/** Minutes after midnight of `HH:MM` (or `H:MM`), 00:00 to 23:59; undefined for anything else. */
export function parseClockTime(text: string): number | undefined {
  const match = /^(\d{1,2})[:：](\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const [hour, minute] = [Number(match[1]), Number(match[2])];
  return hour < 24 && minute < 60 ? hour * 60 + minute : undefined;
}

/** `09:00` for 540. */
export function clockTime(minuteOfDay: number): string {
  return `${String(Math.floor(minuteOfDay / 60)).padStart(2, "0")}:${String(minuteOfDay % 60).padStart(2, "0")}`;
}

/** The ISO week `n` weeks after `week`. */
export function addWeeks(week: string, n: number): string {
  const monday = Date.parse(`${weekDays(week)[0]!}T00:00:00Z`);
  return isoWeekOfDate(new Date(monday + n * 7 * 86_400_000).toISOString().slice(0, 10));
}

/** The instant of `week`'s post under `schedule` in `timeZone`, or undefined when a cron schedule has none that week. */
export function slotOf(schedule: WeeklySchedule, timeZone: string, week: string): Date | undefined {
  if ("cron" in schedule) return firstCronTimeInWeek(schedule.cron, timeZone, week);
  const date = parseCalendarDate(weekDays(week)[schedule.day - 1]!)!;
  // In a spring-forward gap, the first wall-clock time that exists after the one asked for.
  for (let minute = schedule.minute; minute < 24 * 60; minute += 15) {
    const instant = zonedTimeToInstant({ ...date, hour: Math.floor(minute / 60), minute: minute % 60, second: 0 }, timeZone);
    if (instant) return instant;
  }
  return undefined;
}

/**
 * The first instant in `week` at which `cronExpression` fires in `timeZone`,
 * or undefined when it does not fire that week. Uses node-cron's own matcher,
 * so it agrees with node-cron on day-of-week/month rules and skips DST gaps
 * as node-cron does.
 */
export function firstCronTimeInWeek(cronExpression: string, timeZone: string, week: string): Date | undefined {
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

/**
 * The subscription's next post at `now`: this week's if its time has come or
 * is still ahead and the week is not posted, else the first later week that
 * is neither paused nor skipped. Undefined when nothing will be posted (broken,
 * paused until resumed).
 */
export function nextPost(subscription: Subscription, now: Date, isPosted: (week: string) => boolean): NextPost | undefined {
  if (subscription.broken || (subscription.paused && subscription.paused.until === undefined)) return undefined;
  const activeFrom = Date.parse(subscription.activeFrom);
  let week = isoWeekOf(now, subscription.timeZone);
  for (let i = 0; i < WEEKS_AHEAD; i++, week = addWeeks(week, 1)) {
    if (isPosted(week) || holdOf(subscription, week)) continue;
    const at = slotOf(subscription.schedule, subscription.timeZone, week);
    if (!at || at.getTime() < activeFrom) continue;
    return { week, at, due: at.getTime() <= now.getTime() };
  }
  return undefined;
}

/** Why the subscription posts nothing in `week`, whatever the time: broken, paused or skipped. */
export function holdOf(subscription: Subscription, week: string): "broken" | "paused" | "skipped" | undefined {
  if (subscription.broken) return "broken";
  const paused = subscription.paused;
  if (paused && (paused.until === undefined || week < paused.until)) return "paused";
  return subscription.skipWeek === week ? "skipped" : undefined;
}

/** `Mondays at 09:00` or `cron "0 9 * * 1"`, in words for replies. */
export function describeSchedule(schedule: WeeklySchedule): string {
  if ("cron" in schedule) return `cron "${schedule.cron}"`;
  const day = WEEKDAYS[schedule.day - 1]!;
  return `${day[0]!.toUpperCase()}${day.slice(1)}s at ${clockTime(schedule.minute)}`;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** `Mon 7 Dec 2026, 09:00` on the wall clock of `timeZone`. */
export function formatLocal(instant: Date, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short", year: "numeric" });
    dateFormats.set(timeZone, format);
  }
  const local = localDateTime(instant, timeZone);
  return `${format.format(instant).replace(/,/g, "")}, ${clockTime(local.hour * 60 + local.minute)}`;
}
