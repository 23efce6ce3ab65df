/**
 * Renders the Block Kit messages the bot sends as readable terminal text (no
 * JSON): mrkdwn entities decoded, links as "label (url)", bold as ANSI bold on
 * a terminal and plain text elsewhere, buttons as hints.
 */
import type { Block, SlackMessage } from "../slack/block-kit.js";
import { ACTION_SHARE, ACTION_SHOW_MORE } from "../slack/blocks.js";
import { decodeSlackEntities, restoreMrkdwnMarkers, ZWSP } from "../slack/text.js";

export interface RenderOptions {
  /** Use ANSI bold/dim (a terminal). */
  color: boolean;
  /** Terminal width for wrapping (default 100). */
  width?: number;
}

const BOLD = "\u001b[1m";
const DIM = "\u001b[2m";
const RESET = "\u001b[0m";

const EMOJI: Record<string, string> = { ":mag:": "🔎", ":wave:": "👋" };

/** mrkdwn → terminal text. */
export function mrkdwnToText(mrkdwn: string, options: RenderOptions): string {
  let text = mrkdwn;
  // Links: <url|label> → label (url); <url> → url. Entities are still encoded here, so `<`/`>` are ours.
  text = text.replace(/<([^<>|]+)\|([^<>]*)>/g, (_m, url: string, label: string) => `${label} (${decodeSlackEntities(url)})`);
  text = text.replace(/<([^<>]+)>/g, (_m, url: string) => decodeSlackEntities(url));
  // Bold: our markers are `ZWSP*…*ZWSP` (or plain `*…*` in our own fixed strings).
  text = text.replace(/\u200B?\*([^*\n]+)\*\u200B?/g, (_m, inner: string) => (options.color ? `${BOLD}${inner}${RESET}` : inner));
  text = text.replace(/_\(([^)\n]*)\)_/g, (_m, inner: string) => `(${inner})`);
  text = text.replace(/`([^`\n]+)`/g, (_m, inner: string) => inner);
  text = text.replace(/:[a-z_]+:/g, (code) => EMOJI[code] ?? code);
  text = text.split(ZWSP).join("");
  text = restoreMrkdwnMarkers(text);
  // Quotes: "> line" → "  │ line".
  text = text.replace(/^>/gm, "  │ ");
  return decodeSlackEntities(text);
}

/** Columns a character takes in a terminal: 2 for East Asian wide characters, else 1. */
function columns(char: string): number {
  return /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]|[\u{1F300}-\u{1FAFF}\u{20000}-\u{3FFFD}]/u.test(char)
    ? 2
    : 1;
}

/** Wraps each line at `width` columns (wide characters count twice), at a space when there is one. */
function wrap(text: string, width: number): string {
  return text
    .split("\n")
    .map((line) => {
      const indent = /^\s*(│\s)?/.exec(line)?.[0] ?? "";
      const out: string[] = [];
      let current = "";
      let used = 0;
      let lastSpace = -1;
      for (const char of line) {
        const w = columns(char);
        if (used + w > width && current.trim() !== "") {
          if (lastSpace > indent.length) {
            out.push(current.slice(0, lastSpace).trimEnd());
            current = indent + current.slice(lastSpace + 1);
          } else {
            out.push(current);
            current = indent;
          }
          used = [...current].reduce((n, c) => n + columns(c), 0);
          lastSpace = -1;
        }
        if (char === " ") lastSpace = current.length;
        current += char;
        used += w;
      }
      out.push(current);
      return out.join("\n");
    })
    .join("\n");
}

function renderBlock(block: Block, options: RenderOptions, hints: string[]): string | undefined {
  const width = options.width ?? 100;
  switch (block.type) {
    case "section":
      return block.text ? wrap(mrkdwnToText(block.text.text, options), width) : undefined;
    case "context": {
      const parts = block.elements.map((e) => ("text" in e && typeof e.text === "string" ? mrkdwnToText(e.text, options) : ""));
      const line = `  ${parts.join("  ")}`;
      return options.color ? `${DIM}${line}${RESET}` : line;
    }
    case "divider":
      return "─".repeat(Math.min(width, 40));
    case "actions":
      for (const element of block.elements) {
        if (element.type !== "button") continue;
        if (element.action_id === ACTION_SHOW_MORE) hints.push('type "more" for the next excerpts');
        // Sharing makes no sense in a terminal; the other buttons are listed as they are.
        else if (element.action_id !== ACTION_SHARE) hints.push(`[${element.text.text}]`);
      }
      return undefined;
  }
}

/** A whole message as terminal text. */
export function renderMessage(message: SlackMessage, options: RenderOptions): string {
  if (message.blocks.length === 0) return mrkdwnToText(message.text, options);
  const hints: string[] = [];
  const parts = message.blocks.map((b) => renderBlock(b, options, hints)).filter((s): s is string => s !== undefined);
  if (hints.length > 0) parts.push(`  (${hints.join("; ")})`);
  return parts.join("\n");
}
