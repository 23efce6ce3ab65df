/**
 * Block Kit, as every message and view of the bot uses it: the block types we
 * send, Slack's limits and the headroom we keep below them, small block
 * builders, the last-line clamp of a reply, and the checks of a message and of
 * a view against the limits. Pure functions, no Slack calls.
 *
 *   const message = clampMessage({ text: "fallback", blocks: [section("*Hello*"), context("a note")] });
 *   messageLimitProblems(message); // [] when Slack will take it, with headroom
 */
import type { types } from "@slack/bolt";
import { cutAt, truncate } from "./text.js";

export type Block = types.SectionBlock | types.ContextBlock | types.ActionsBlock | types.DividerBlock | types.HeaderBlock;

/** A message as we send it: fallback `text` (notifications, screen readers) and blocks. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** A view as we publish it (the Home tab). */
export interface SlackView {
  type: "home";
  blocks: Block[];
}

/** Slack's limits, and the lower ones we hold ourselves to (headroom). */
export const LIMITS = {
  /** Slack: 3,000 characters per section text. */
  sectionText: 3000,
  /** Slack: 150 characters per header. */
  headerText: 150,
  /** Slack: 50 blocks per message. */
  blocks: 50,
  /** Slack: 10 elements per context block. */
  contextElements: 10,
  /** Slack: 2,000 characters per button value. */
  buttonValue: 2000,
  /** Slack: fallback text of a message (it advises at most 4,000 characters). */
  text: 4000,
  /** Ours: section text we produce. */
  ourSectionText: 2800,
  /** Ours: blocks we produce in a reply. */
  ourBlocks: 40,
  /** Ours: blocks we produce in a view (Slack allows 100). */
  ourViewBlocks: 60,
  /** Ours: all block text of one reply together (one report hit `msg_blocks_too_long` near 13k). */
  ourTotalText: 9000,
  /** Ours: a message's blocks as JSON; Slack documents no limit, and that report saw a failure near 13k. */
  ourBlocksJson: 12_000,
  /** Ours: fallback text of a reply. */
  ourFallbackText: 1500,
} as const;

export const section = (text: string): types.SectionBlock => ({ type: "section", text: { type: "mrkdwn", text } });
export const context = (...texts: string[]): types.ContextBlock => ({
  type: "context",
  elements: texts.slice(0, LIMITS.contextElements).map((text) => ({ type: "mrkdwn", text })),
});
export const divider = (): types.DividerBlock => ({ type: "divider" });
/** A header: plain text (shown as written, entities and all), cut to Slack's 150 characters. */
export const header = (text: string): types.HeaderBlock => ({
  type: "header",
  text: { type: "plain_text", text: truncate(text, LIMITS.headerText), emoji: true },
});

/** Lines of mrkdwn, each cut to 600 characters, chunked into as few sections as stay under the limits. */
export function lineSections(lines: readonly string[]): types.SectionBlock[] {
  const blocks: types.SectionBlock[] = [];
  let current = "";
  for (const line of lines) {
    const piece = cutMrkdwn(line, 600);
    if (current !== "" && current.length + 1 + piece.length > LIMITS.ourSectionText) {
      blocks.push(section(current));
      current = "";
    }
    current = current === "" ? piece : `${current}\n${piece}`;
  }
  if (current !== "") blocks.push(section(current));
  return blocks;
}

/** Cuts mrkdwn without leaving half an entity or an unclosed `<…>`. */
export function cutMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = cutAt(text, max - 1);
  const amp = cut.lastIndexOf("&");
  if (amp !== -1 && !cut.slice(amp).includes(";")) cut = cut.slice(0, amp);
  const lt = cut.lastIndexOf("<");
  if (lt !== -1 && !cut.slice(lt).includes(">")) cut = cut.slice(0, lt);
  return `${cut}…`;
}

function blockTextLength(block: Block): number {
  switch (block.type) {
    case "section":
      return block.text?.text.length ?? 0;
    case "context":
      return block.elements.reduce((n, e) => n + ("text" in e && typeof e.text === "string" ? e.text.length : 0), 0);
    case "actions":
      return block.elements.reduce((n, e) => n + ("value" in e && typeof e.value === "string" ? e.value.length : 0), 0);
    default:
      return 0;
  }
}

/** Total characters of text in a message's blocks (what `msg_blocks_too_long` is about). */
function messageTextLength(message: SlackMessage): number {
  return message.blocks.reduce((n, b) => n + blockTextLength(b), 0);
}

/**
 * Last line of defence for a reply: whatever the builders produced, the
 * message respects Slack's limits with headroom (section ≤ 2,800, ≤ 40
 * blocks, fallback text ≤ 1,500). Actions blocks are kept when blocks have to
 * go.
 */
export function clampMessage(message: SlackMessage): SlackMessage {
  let blocks = message.blocks.map((block): Block => {
    if (block.type === "section" && block.text && block.text.text.length > LIMITS.ourSectionText) {
      return { ...block, text: { ...block.text, text: cutMrkdwn(block.text.text, LIMITS.ourSectionText) } };
    }
    return block;
  });
  if (blocks.length > LIMITS.ourBlocks) {
    const actions = blocks.filter((b) => b.type === "actions");
    blocks = [...blocks.filter((b) => b.type !== "actions").slice(0, LIMITS.ourBlocks - actions.length), ...actions];
  }
  while (blocks.length > 1 && messageTextLength({ text: "", blocks }) > LIMITS.ourTotalText) {
    const i = blocks.map((b) => b.type).lastIndexOf("section");
    if (i <= 0) break;
    blocks = [...blocks.slice(0, i), ...blocks.slice(i + 1)];
  }
  const text = message.text.length > LIMITS.ourFallbackText ? cutMrkdwn(message.text, LIMITS.ourFallbackText) : message.text;
  return { text: text || "directions", blocks };
}

/** What in the blocks breaks the limits of a header, a section (text of at most `sectionText`) or a context block. */
function blockProblems(blocks: readonly Block[], sectionText: number): string[] {
  const problems: string[] = [];
  for (const [i, block] of blocks.entries()) {
    if (block.type === "header" && (block.text.text.length === 0 || block.text.text.length > LIMITS.headerText)) {
      problems.push(`header (block ${i}) has ${block.text.text.length} chars`);
    }
    if (block.type === "section" && (!block.text || block.text.text.length === 0 || block.text.text.length > sectionText)) {
      problems.push(`section (block ${i}) has ${block.text?.text.length ?? 0} chars`);
    }
    if (block.type === "context" && (block.elements.length === 0 || block.elements.length > LIMITS.contextElements)) {
      problems.push(`context (block ${i}) has ${block.elements.length} elements`);
    }
  }
  return problems;
}

/** What in a message breaks Slack's limits, which would refuse or cut it (empty when it is fine). */
export function messageLimitProblems(message: SlackMessage): string[] {
  const problems: string[] = [];
  if (!message.text.trim()) problems.push("no fallback text");
  if (message.text.length > LIMITS.text) problems.push(`fallback text has ${message.text.length} chars`);
  if (message.blocks.length > LIMITS.blocks) problems.push(`${message.blocks.length} blocks`);
  problems.push(...blockProblems(message.blocks, LIMITS.sectionText));
  const total = JSON.stringify(message.blocks).length;
  if (total > LIMITS.ourBlocksJson) problems.push(`blocks total ${total} chars`);
  return problems;
}

/** What in a view is over Slack's limits or near them, past our headroom (empty when it is fine). */
export function viewLimitProblems(view: SlackView): string[] {
  const problems = view.blocks.length > LIMITS.ourViewBlocks ? [`${view.blocks.length} blocks`] : [];
  return [...problems, ...blockProblems(view.blocks, LIMITS.ourSectionText)];
}
