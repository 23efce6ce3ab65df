/**
 * What a user asked for, read from the text of `/directions …` or of a
 * mention: help, the list, a greeting, `weekly …` (with its arguments checked),
 * or a query to search.
 *
 *   parseRequest("/directions weekly time wed 10:30 Asia/Shanghai");
 *   // { kind: "weekly", weekly: { sub: "time", day: 3, minute: 630, timeZone: "Asia/Shanghai" } }
 */
import { MAX_QUERY_CHARS } from "../search/analyze.js";
import { isValidTimeZone, WEEKDAY_NAMES } from "../weekly/week.js";
import { cutAt, normalizeIncomingText } from "./text.js";

/** Longest `weekly pause N`, in weeks. */
export const MAX_PAUSE_WEEKS = 52;

/** ISO weekday (1 Monday … 7 Sunday) of `mon`, `Monday`, `mondays`, …; undefined for anything else. */
export function parseWeekday(text: string): number | undefined {
  const word = text.trim().toLowerCase().replace(/s$/, "");
  if (word.length < 3) return undefined;
  const index = WEEKDAY_NAMES.findIndex((day) => day.startsWith(word) || (word.length > 3 && day === word));
  return index >= 0 ? index + 1 : undefined;
}

/** Minutes after midnight of `HH:MM` (or `H:MM`), 00:00 to 23:59; undefined for anything else. */
export function parseClockTime(text: string): number | undefined {
  const match = /^(\d{1,2})[:：](\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const [hour, minute] = [Number(match[1]), Number(match[2])];
  return hour < 24 && minute < 60 ? hour * 60 + minute : undefined;
}

export type Request =
  | { kind: "help" }
  | { kind: "list" }
  /** A mention with nothing to look up ("hi", "thanks", or nothing at all). */
  | { kind: "greeting" }
  | { kind: "search"; query: string; truncated: boolean }
  /** `weekly …`: the direction of the week in the channel (`/directions weekly …`). */
  | { kind: "weekly"; weekly: WeeklyRequest };

/**
 * The `weekly` subcommands, declared once: the parser, the help, the message
 * for an unknown one, the admins' check (`changes`) and the Home tab all read
 * this table. `args` as shown in the help (plain text).
 */
export const WEEKLY_COMMANDS = [
  { name: "here", args: "", what: "turn it on in this channel: Mondays at 09:00 in your time zone", example: "here", changes: true },
  { name: "time", args: "<day> <HH:MM> [<time zone>]", what: "post on another day or at another time", example: "time wed 10:30 Asia/Shanghai", changes: true },
  { name: "pause", args: "[N]", what: `pause for N weeks (1 to ${MAX_PAUSE_WEEKS}), or until resumed`, example: "pause 2", changes: true },
  { name: "resume", args: "", what: "end a pause", example: "resume", changes: true },
  { name: "skip", args: "", what: "skip the next post only", example: "skip", changes: true },
  { name: "stop", args: "", what: "turn it off in this channel", example: "stop", changes: true },
  { name: "status", args: "", what: "whether it is on, the next post and its direction, who set it up", example: "status", changes: false },
  { name: "preview", args: "", what: "the next post, only to you", example: "preview", changes: false },
] as const;

type WeeklyCommandName = (typeof WEEKLY_COMMANDS)[number]["name"];
/** The `weekly` subcommands that take no argument. */
type PlainSubcommand = Exclude<WeeklyCommandName, "time" | "pause">;
const isPlain = (name: string): name is PlainSubcommand => WEEKLY_COMMANDS.some((command) => command.name === name && command.args === "");

/** What `weekly …` asked for, or what was wrong with it. */
export type WeeklyRequest =
  | { sub: "help" }
  | { sub: PlainSubcommand }
  /** `minute`: after local midnight; `timeZone`: absent to keep the channel's. */
  | { sub: "time"; day: number; minute: number; timeZone?: string }
  /** `weeks`: absent to pause until `resume`. */
  | { sub: "pause"; weeks?: number }
  /** Bad input to `of` (a subcommand, or `unknown`): `problems` names the wrong parts as typed; the reply says what is accepted. */
  | { sub: "invalid"; of: "time" | "pause" | PlainSubcommand | "unknown"; problems: WeeklyProblem[] };

/** One wrong part of a `weekly` command, as typed. */
export interface WeeklyProblem {
  part: "day" | "time" | "zone" | "weeks" | "extra" | "missing" | "subcommand";
  text: string;
}

const HELP_WORDS = new Set(["help", "usage", "?", "？", "帮助", "用法", "怎么用", "说明", "h"]);
const LIST_WORDS = new Set(["list", "ls", "directions", "列表", "方向", "所有方向"]);
const GREETINGS = new Set([
  "hi",
  "hello",
  "hey",
  "hey there",
  "hi there",
  "hello there",
  "yo",
  "hiya",
  "howdy",
  "good morning",
  "good afternoon",
  "good evening",
  "thanks",
  "thank you",
  "thx",
  "ty",
  "ping",
  "你好",
  "您好",
  "嗨",
  "哈喽",
  "哈啰",
  "在吗",
  "在么",
  "早",
  "早上好",
  "下午好",
  "晚上好",
  "谢谢",
  "多谢",
]);

/** Lower-cases and drops trailing punctuation and emoji codes, for keyword checks. */
function keyword(text: string): string {
  return text
    .toLowerCase()
    .replace(/:[a-z0-9_+-]+:/g, " ")
    .replace(/[\s!！.。,，~～?？]+$/u, "")
    .replace(/^[\s!！.。,，~～]+/u, "")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Reads what the user asked for: `help`, `list`, `weekly …`, a greeting, or a query.
 * `raw` is text as Slack delivers it (the slash command's text, or a mention's
 * text with the bot's own `<@U…>` in it); a leading `@directions` or
 * `/directions` (as typed in the terminal) is ignored.
 */
export function parseRequest(raw: string): Request {
  let text = normalizeIncomingText(raw);
  text = text.replace(/^(?:[@/]directions\b[\s:,，：]*)+/i, "").trim();
  const weekly = /^weekly(?:\s+|$)/i.exec(text);
  if (weekly) return { kind: "weekly", weekly: parseWeekly(text.slice(weekly[0].length)) };
  const word = keyword(text);
  if (word === "" || GREETINGS.has(word)) return { kind: "greeting" };
  if (HELP_WORDS.has(word)) return { kind: "help" };
  if (LIST_WORDS.has(word)) return { kind: "list" };
  if (text.length > MAX_QUERY_CHARS) {
    return { kind: "search", query: cutAt(text, MAX_QUERY_CHARS).trim(), truncated: true };
  }
  return { kind: "search", query: text, truncated: false };
}

/**
 * Reads `weekly <sub> …` (the text after `weekly`, normalized): help for
 * nothing or `help`, a subcommand with its checked arguments, or what was
 * wrong with it. Case does not matter; time zones are IANA names, kept in
 * their canonical spelling (`asia/shanghai` → `Asia/Shanghai`).
 */
function parseWeekly(text: string): WeeklyRequest {
  const [first = "", ...args] = text.split(" ").filter((word) => word !== "");
  const sub = first.toLowerCase();
  if (sub === "" || HELP_WORDS.has(keyword(sub))) return { sub: "help" };
  if (sub === "time") return parseTime(args);
  if (sub === "pause") return parsePause(args);
  if (!isPlain(sub)) return { sub: "invalid", of: "unknown", problems: [{ part: "subcommand", text: first }] };
  if (args.length > 0) return { sub: "invalid", of: sub, problems: [{ part: "extra", text: args.join(" ") }] };
  return { sub };
}

function parseTime(args: string[]): WeeklyRequest {
  const [dayText, timeText, zoneText, ...extra] = args;
  if (dayText === undefined || timeText === undefined) {
    return { sub: "invalid", of: "time", problems: [{ part: "missing", text: args.join(" ") }] };
  }
  const problems: WeeklyProblem[] = [];
  const day = parseWeekday(dayText);
  if (day === undefined) problems.push({ part: "day", text: dayText });
  const minute = parseClockTime(timeText);
  if (minute === undefined) problems.push({ part: "time", text: timeText });
  const timeZone = zoneText === undefined ? undefined : canonicalZone(zoneText);
  if (zoneText !== undefined && timeZone === undefined) problems.push({ part: "zone", text: zoneText });
  if (extra.length > 0) problems.push({ part: "extra", text: extra.join(" ") });
  if (problems.length > 0 || day === undefined || minute === undefined) return { sub: "invalid", of: "time", problems };
  return { sub: "time", day, minute, ...(timeZone !== undefined ? { timeZone } : {}) };
}

function parsePause(args: string[]): WeeklyRequest {
  if (args.length === 0) return { sub: "pause" };
  const weeks = /^\d{1,3}$/.test(args[0]!) ? Number(args[0]) : undefined;
  if (args.length > 1 || weeks === undefined || weeks < 1 || weeks > MAX_PAUSE_WEEKS) {
    return { sub: "invalid", of: "pause", problems: [{ part: "weeks", text: args.join(" ") }] };
  }
  return { sub: "pause", weeks };
}

/** An IANA zone name as typed, in its canonical case when only the case differs; undefined when this Node does not know it. */
function canonicalZone(text: string): string | undefined {
  if (!isValidTimeZone(text)) return undefined;
  const resolved = new Intl.DateTimeFormat("en-US", { timeZone: text }).resolvedOptions().timeZone;
  return resolved.toLowerCase() === text.toLowerCase() ? resolved : text;
}
