import { MAX_QUERY_CHARS } from "../search/analyze.js";
import { cutAt, normalizeIncomingText } from "./text.js";

export type Request =
  | { kind: "help" }
  | { kind: "list" }
  /** A mention with nothing to look up ("hi", "thanks", or nothing at all). */
  | { kind: "greeting" }
  | { kind: "search"; query: string; truncated: boolean };

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
 * Reads what the user asked for: `help`, `list`, a greeting, or a query.
 * `raw` is text as Slack delivers it (the slash command's text, or a mention's
 * text with the bot's own `<@U…>` in it); a leading `@directions` or
 * `/directions` (as typed in the terminal) is ignored.
 */
export function parseRequest(raw: string): Request {
  let text = normalizeIncomingText(raw);
  text = text.replace(/^(?:[@/]directions\b[\s:,，：]*)+/i, "").trim();
  const word = keyword(text);
  if (word === "" || GREETINGS.has(word)) return { kind: "greeting" };
  if (HELP_WORDS.has(word)) return { kind: "help" };
  if (LIST_WORDS.has(word)) return { kind: "list" };
  if (text.length > MAX_QUERY_CHARS) {
    return { kind: "search", query: cutAt(text, MAX_QUERY_CHARS).trim(), truncated: true };
  }
  return { kind: "search", query: text, truncated: false };
}
