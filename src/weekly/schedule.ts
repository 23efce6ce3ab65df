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
import { isoWeekOf, isoWeekOfDate, localDateTime, parseCalendarDate, WEEKDAY_NAMES, weekDays, zonedTimeToInstant } from "./week.js";


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

/** `09:00` for 540. */
function clockTime(minuteOfDay: number): string {
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
  return firstTimeFrom(parseCalendarDate(weekDays(week)[schedule.day - 1]!)!, schedule.minute, timeZone);
}

/** The instant the wall clock of `timeZone` shows `minuteOfDay` on `date`, or, in a spring-forward gap, the first minute after it that exists. */
function firstTimeFrom(date: { year: number; month: number; day: number }, minuteOfDay: number, timeZone: string): Date | undefined {
  for (let minute = minuteOfDay; minute < 24 * 60; minute++) {
    const instant = zonedTimeToInstant({ ...date, hour: Math.floor(minute / 60), minute: minute % 60, second: 0 }, timeZone);
    if (instant) return instant;
  }
  return undefined;
}

/**
 * The first instant in `week` at which a five-field `cronExpression` fires in
 * `timeZone`, or undefined when it does not fire that week. Which days match
 * is node-cron's own answer (day-of-month, month and day-of-week rules); a
 * time inside a spring-forward gap becomes the first minute after it that
 * exists, as for a weekday and time, so a week is never left without its post.
 */
export function firstCronTimeInWeek(cronExpression: string, timeZone: string, week: string): Date | undefined {
  const fields = cron.parse(cronExpression);
  const numbers = (values: (number | string)[]) =>
    values.filter((v): v is number => typeof v === "number").sort((a, b) => a - b);
  const [hours, minutes] = [numbers(fields.hour), numbers(fields.minute)];
  const [, , dayOfMonth, month, dayOfWeek] = cronExpression.trim().split(/\s+/);
  const days = cron.createTask(`* * ${dayOfMonth} ${month} ${dayOfWeek}`, () => undefined, { timezone: timeZone });
  try {
    for (const day of weekDays(week)) {
      const date = parseCalendarDate(day)!;
      const noon = zonedTimeToInstant({ ...date, hour: 12, minute: 0, second: 0 }, timeZone);
      if (!noon || !days.match(noon)) continue;
      const first = firstTimeFrom(date, hours[0]! * 60 + minutes[0]!, timeZone);
      if (first) return first;
    }
    return undefined;
  } finally {
    void days.destroy();
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

/**
 * Which weeks a channel's posts count for, in `timeZone`: the week each was
 * labelled with, and the week its message went out in that zone, so that a
 * change of zone near a week's end never brings a second post that week.
 */
export function postedWeeks(posts: readonly { week: string; ts: string }[], timeZone: string): (week: string) => boolean {
  const weeks = new Set<string>();
  for (const post of posts) {
    weeks.add(post.week);
    const sent = Number.parseFloat(post.ts) * 1000;
    if (Number.isFinite(sent) && sent > 0) weeks.add(isoWeekOf(new Date(sent), timeZone));
  }
  return (week) => weeks.has(week);
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
  const day = WEEKDAY_NAMES[schedule.day - 1]!;
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
