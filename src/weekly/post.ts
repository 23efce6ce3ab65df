/**
 * The direction-of-the-week message: Block Kit blocks, a fallback `text` (for
 * notifications and screen readers) and message metadata by which the bot
 * recognises its own post in the channel history later.
 *
 * Everything taken from the corpus is escaped (`&`, `<`, `>`), so a corpus
 * line such as `<!channel>` can never ping anyone. Sizes stay well below
 * Slack's limits (section 3,000 chars, header 150, 50 blocks; one report saw
 * `msg_blocks_too_long` near 13k chars in total): each part has its own cap.
 */
import type { Direction } from "../corpus/types.js";
import { arrangeHit } from "../search/reader.js";
import type { Hit } from "../search/types.js";
import { context, divider, header, LIMITS, messageLimitProblems, section, type Block, type SlackMessage } from "../slack/block-kit.js";
import { papersText, summaryText, TRANSLATION_NOTE } from "../slack/blocks.js";
import { escapeSlackText, mrkdwnLink, mrkdwnToPlain, oneLine, truncate } from "../slack/text.js";

/** `metadata.event_type` of our posts; the history check looks for it. */
export const WEEKLY_EVENT_TYPE = "direction_of_week";

export interface WeeklyPostMetadata {
  event_type: typeof WEEKLY_EVENT_TYPE;
  event_payload: { week: string; direction: string };
}

/** The arguments of `chat.postMessage`, minus the channel. */
export interface WeeklyPost extends SlackMessage {
  metadata: WeeklyPostMetadata;
}

export interface WeeklyPostInput {
  direction: Direction;
  /** Best passages of the direction (the search's `directionExcerpts`). */
  excerpts: readonly Hit[];
  week: string;
  /** Rotation cycle: picks a different question when a direction comes round again. */
  cycle: number;
  /** The slash command users dig further with. */
  command?: string;
}

const CAP = {
  excerpt: 600,
  question: 600,
  fallbackSummary: 300,
  keyword: 60,
};

const MIN_EXCERPTS = 2;
/** Excerpts the post quotes at most; also how many the publisher asks the search for. */
export const MAX_EXCERPTS = 3;
const DEFAULT_QUESTION = "Which of these ideas could we try in our own work, and what would it take?";

/** A search keyword that finds this direction: its first synonym, else its English name. */
export function keywordFor(direction: Direction): string {
  return direction.synonyms[0]?.terms[0] ?? direction.name.en;
}

/** The question for this round: a different one each time the direction comes round. */
export function questionFor(direction: Direction, cycle: number): string {
  const questions = direction.questions.filter((q) => q.trim());
  if (questions.length === 0) return DEFAULT_QUESTION;
  return questions[(Math.max(cycle, 1) - 1) % questions.length]!;
}

/** Up to three excerpts, each from a different author (the search already tries; we make sure). */
function pickExcerpts(excerpts: readonly Hit[]): Hit[] {
  const authors = new Set<string>();
  const picked: Hit[] = [];
  for (const hit of excerpts) {
    if (picked.length >= MAX_EXCERPTS) break;
    if (authors.has(hit.author) || !hit.excerpt.trim()) continue;
    authors.add(hit.author);
    picked.push(hit);
  }
  return picked;
}

export function buildWeeklyPost(input: WeeklyPostInput): WeeklyPost {
  const { direction, week, cycle } = input;
  const command = input.command ?? "/directions";
  const blocks: Block[] = [];

  // plain_text shows entities literally, so it cannot be escaped; it never
  // pings either, but we keep control sequences out of the payload altogether.
  const title = `${oneLine(direction.name.en)} · ${oneLine(direction.name.zh)}`.replace(/</g, "‹").replace(/>/g, "›");
  blocks.push(header(title));

  blocks.push(section(summaryText(direction)));

  const excerpts = pickExcerpts(input.excerpts);
  if (excerpts.length > 0) {
    blocks.push(divider());
    blocks.push(section("*What the answers say*"));
    for (const hit of excerpts) {
      // In English first (the team reads English), the author's original beneath.
      // No bold on the highlights: Slack's *bold* needs word boundaries that
      // Chinese text lacks, so it would show stray asterisks.
      const { main, beneath } = arrangeHit(hit, "en");
      const quote = escapeSlackText(truncate(oneLine(main.text), CAP.excerpt));
      blocks.push(section(`> ${quote}`));
      if (beneath) {
        const label = beneath.original ? "原文" : "English";
        blocks.push(context(`${label}: ${escapeSlackText(truncate(oneLine(beneath.text), CAP.excerpt))}`));
      }
      blocks.push(context(`— ${mrkdwnLink(hit.url, hit.author)}`));
    }
    if (excerpts.some((hit) => hit.translation)) blocks.push(context(escapeSlackText(TRANSLATION_NOTE)));
  }

  blocks.push(divider());
  blocks.push(section(papersText(direction)));

  const question = escapeSlackText(truncate(oneLine(questionFor(direction, cycle)), CAP.question));
  blocks.push(divider());
  blocks.push(section(`*Question to discuss*\n${question}`));

  const keyword = escapeSlackText(truncate(oneLine(keywordFor(direction)), CAP.keyword));
  blocks.push(context(`Dig further: \`${command} ${keyword}\``, `Direction of the week · ${week}`));

  const fallbackSummary = escapeSlackText(truncate(oneLine(direction.summary), CAP.fallbackSummary));
  const fallbackName = escapeSlackText(`${oneLine(direction.name.en)} (${oneLine(direction.name.zh)})`);
  return {
    text: truncate(`Direction of the week ${week}: ${fallbackName}. ${fallbackSummary}`, LIMITS.text),
    blocks,
    metadata: { event_type: WEEKLY_EVENT_TYPE, event_payload: { week, direction: direction.id } },
  };
}

/** Whether there are fewer excerpts than the post is meant to have (for a warning). */
export function hasFewExcerpts(post: WeeklyPost): boolean {
  return post.blocks.filter((b) => b.type === "section" && b.text?.text.startsWith("> ")).length < MIN_EXCERPTS;
}

/** What in a post breaks Slack's limits, or is not marked as ours (empty when it is fine). */
export function checkPostLimits(post: WeeklyPost): string[] {
  const problems = messageLimitProblems(post);
  if (post.metadata.event_type !== WEEKLY_EVENT_TYPE) problems.push("metadata event_type missing");
  return problems;
}

/** The post as a person would read it, for `post-weekly --dry-run`. */
export function renderPostAsText(post: WeeklyPost): string {
  const lines: string[] = [];
  for (const block of post.blocks) {
    switch (block.type) {
      case "header":
        lines.push(block.text.text, "=".repeat(Math.min(60, Array.from(block.text.text).length + 8)));
        break;
      case "section":
        lines.push(mrkdwnToPlain(block.text?.text ?? ""), "");
        break;
      case "divider":
        lines.push("────────");
        break;
      case "context":
        lines.push(block.elements.map((e) => ("text" in e ? mrkdwnToPlain(e.text) : "")).join("   ·   "));
        break;
    }
  }
  return lines.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd();
}
