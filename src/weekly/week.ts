/**
 * Calendar arithmetic for "the week" of the direction of the week.
 *
 * The unit of "exactly once" is the ISO 8601 week (Monday to Sunday, week 1 is
 * the week with the year's first Thursday) as seen in the team's time zone
 * (`DIRECTIONS_TZ`), written like `2026-W09`. We use `Intl.DateTimeFormat` for
 * the zone, which Node ships with full ICU data, so no date library is needed.
 */

/** A calendar date and wall-clock time in some time zone (month 1..12). */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export const DAY_MS = 86_400_000;
/** Weekday names, Monday first (ISO weekday = index + 1). */
export const WEEKDAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
const WEEK_RE = /^(\d{4})-W(\d{2})$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // `hourCycle: 'h23'` so midnight is 0, never 24; `en-US` + gregory + latn so
    // the parts are plain ASCII numbers whatever the process locale is.
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      calendar: "gregory",
      numberingSystem: "latn",
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when `timeZone` is an IANA zone name this Node knows (e.g. `Asia/Shanghai`, `UTC`). */
export function isValidTimeZone(timeZone: string): boolean {
  if (!timeZone.trim()) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock date and time of `instant` in `timeZone`. */
export function localDateTime(instant: Date, timeZone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour! % 24,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/**
 * The instant at which the wall clock in `timeZone` shows `local`, or
 * `undefined` when that time does not exist there (a spring-forward gap).
 * In the repeated hour of an autumn change either instant may be returned.
 */
export function zonedTimeToInstant(local: LocalDateTime, timeZone: string): Date | undefined {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  // The zone's offset at `asUtc` is usually the offset at the answer; when a
  // change lies between the two, the second guess uses the offset after it.
  const offsetAt = (ms: number): number => {
    const l = localDateTime(new Date(ms), timeZone);
    return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - ms;
  };
  const readsBack = (ms: number): boolean => {
    const l = localDateTime(new Date(ms), timeZone);
    return (
      l.year === local.year &&
      l.month === local.month &&
      l.day === local.day &&
      l.hour === local.hour &&
      l.minute === local.minute &&
      l.second === local.second
    );
  };
  const first = asUtc - offsetAt(asUtc);
  if (readsBack(first)) return new Date(first);
  const second = asUtc - offsetAt(first);
  if (readsBack(second)) return new Date(second);
  return undefined;
}

/** ISO week of a calendar date given as year, month (1..12), day. */
function isoWeekOfCalendarDate(year: number, month: number, day: number): string {
  const date = Date.UTC(year, month - 1, day);
  const weekday = (new Date(date).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  // The Thursday of the same ISO week decides the ISO year; week 1 holds the year's first Thursday.
  const thursday = new Date(date + (3 - weekday) * DAY_MS);
  const isoYear = thursday.getUTCFullYear();
  const dayOfYear = Math.round((thursday.getTime() - Date.UTC(isoYear, 0, 1)) / DAY_MS);
  const week = 1 + Math.floor(dayOfYear / 7);
  return `${String(isoYear).padStart(4, "0")}-W${String(week).padStart(2, "0")}`;
}

/** The ISO week (`2026-W09`) that contains `instant` on the wall clock of `timeZone`. */
export function isoWeekOf(instant: Date, timeZone: string): string {
  const local = localDateTime(instant, timeZone);
  return isoWeekOfCalendarDate(local.year, local.month, local.day);
}

/** Parses a real calendar date `YYYY-MM-DD`; `undefined` for anything else (e.g. `2026-02-30`). */
export function parseCalendarDate(text: string): { year: number; month: number; day: number } | undefined {
  const match = DATE_RE.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return { year, month, day };
}

/** The ISO week containing the calendar date `YYYY-MM-DD` (no time zone involved). Throws on a bad date. */
export function isoWeekOfDate(date: string): string {
  const parsed = parseCalendarDate(date);
  if (!parsed) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  return isoWeekOfCalendarDate(parsed.year, parsed.month, parsed.day);
}

/** True for a well-formed ISO week label such as `2026-W09`. */
export function isIsoWeek(week: string): boolean {
  const match = WEEK_RE.exec(week);
  if (!match) return false;
  const n = Number(match[2]);
  return n >= 1 && n <= 53 && isoWeekOfDate(weekDays(week)[0]!) === week;
}

/** The seven calendar dates (`YYYY-MM-DD`, Monday first) of an ISO week. */
export function weekDays(week: string): string[] {
  const match = WEEK_RE.exec(week);
  if (!match) throw new RangeError(`not an ISO week (YYYY-Www): ${week}`);
  const year = Number(match[1]);
  const n = Number(match[2]);
  // January 4th is always in week 1; its week's Monday starts week 1.
  const jan4 = Date.UTC(year, 0, 4);
  const mondayOfWeek1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
  const monday = mondayOfWeek1 + (n - 1) * 7 * DAY_MS;
  return Array.from({ length: 7 }, (_, i) => new Date(monday + i * DAY_MS).toISOString().slice(0, 10));
}

/**
 * The first instant of an ISO week in `timeZone` (Monday 00:00 local, or the
 * first existing time after it where a zone skips midnight).
 */
export function weekStart(week: string, timeZone: string): Date {
  const monday = parseCalendarDate(weekDays(week)[0]!)!;
  for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
    const instant = zonedTimeToInstant(
      { ...monday, hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0 },
      timeZone,
    );
    if (instant) return instant;
  }
  // Unreachable in practice: no zone skips the first 24 hours of a Monday.
  throw new RangeError(`cannot find the start of ${week} in ${timeZone}`);
}
