/**
 * The bot's messages in Block Kit: search results, help, the list of
 * directions and errors, and the state its buttons carry. Pure functions:
 * data in, `{text, blocks}` out. Every piece of text that comes from a user or
 * the corpus is escaped here.
 */
import type { types } from "@slack/bolt";
import type { Corpus, Direction } from "../corpus/types.js";
import { arrangeHit, readerLanguage } from "../search/reader.js";
import type { Hit } from "../search/types.js";
import { clampMessage, context, cutMrkdwn, divider, lineSections, LIMITS, section, type Block, type SlackMessage } from "./block-kit.js";
import { escapeSlackText, highlightMrkdwn, mrkdwnLink, mrkdwnLiteral, mrkdwnLiteralWithin, oneLine, truncate, userMention } from "./text.js";

export const ACTION_SHOW_MORE = "directions_show_more";
export const ACTION_SHARE = "directions_share";

/** What a results message shows; carried in the buttons' `value` (Slack keeps no state for us). */
export interface PageState {
  /** The (normalized) query. */
  q: string;
  /** Offset of the first hit shown. */
  o: number;
}

export const MAX_OFFSET = 200;

export function encodePage(page: PageState): string {
  return JSON.stringify({ q: page.q, o: page.o });
}

/** Reads a button value back; `undefined` when it isn't one of ours. */
export function decodePage(value: string | undefined): PageState | undefined {
  if (typeof value !== "string" || value.length > LIMITS.buttonValue) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const { q, o } = parsed as { q?: unknown; o?: unknown };
    if (typeof q !== "string" || q.trim() === "") return undefined;
    if (typeof o !== "number" || !Number.isInteger(o) || o < 0 || o > MAX_OFFSET) return undefined;
    return { q, o };
  } catch {
    return undefined;
  }
}

/** Sizes of a direction's summary and papers as posts and the Home tab show them. */
const DIRECTION_CAP = {
  summary: 1500,
  paperTitle: 250,
  papersSection: 2500,
  maxPapers: 8,
  arxivQuery: 100,
};

/** The direction's summary as the weekly post and the Home tab show it: one line, escaped, at most 1,500 characters. */
export function summaryText(direction: Direction): string {
  // Cut after escaping: `&`, `<` and `>` grow fivefold, and a cut never splits an entity.
  return cutMrkdwn(escapeSlackText(oneLine(direction.summary)), DIRECTION_CAP.summary);
}

/**
 * `*Papers to read*` and the direction's papers as links (at most 8, within
 * 2,500 characters), or a link to an arXiv search when none were picked.
 */
export function papersText(direction: Direction): string {
  const papers: string[] = [];
  let papersLength = 0;
  for (const paper of direction.papers.slice(0, DIRECTION_CAP.maxPapers)) {
    const line = `• ${mrkdwnLink(paper.url, truncate(oneLine(paper.title), DIRECTION_CAP.paperTitle))}`;
    if (papersLength + line.length + 1 > DIRECTION_CAP.papersSection) break;
    papers.push(line);
    papersLength += line.length + 1;
  }
  if (papers.length === 0) {
    // Many directions have no curated papers yet: point to a search rather than drop the section.
    const query = oneLine(direction.name.en);
    const url = `https://arxiv.org/search/?query=${encodeURIComponent(query)}&searchtype=all`;
    papers.push(`None picked yet: ${mrkdwnLink(url, `search arXiv for “${truncate(query, DIRECTION_CAP.arxivQuery)}”`)}`);
  }
  return `*Papers to read*\n${papers.join("\n")}`;
}

/** "Model compression · 模型压缩", escaped. */
export function directionLabel(direction: Direction): string {
  const en = direction.name.en.trim();
  const zh = direction.name.zh.trim();
  if (en && zh && en !== zh) return `${mrkdwnLiteral(en)} · ${mrkdwnLiteral(zh)}`;
  return mrkdwnLiteral(en || zh || direction.id);
}

const directionIndex = new WeakMap<Corpus, Map<string, Direction>>();

function directionsOf(hit: Hit, corpus: Corpus): Direction[] {
  let byId = directionIndex.get(corpus);
  if (byId === undefined) {
    byId = new Map(corpus.directions.map((d) => [d.id, d]));
    directionIndex.set(corpus, byId);
  }
  const seen = new Set<string>();
  const out: Direction[] = [];
  for (const id of hit.directions) {
    const direction = byId.get(id);
    if (direction && !seen.has(id)) {
      seen.add(id);
      out.push(direction);
    }
  }
  return out;
}

/** The query as we echo it: escaped, in quotes, at most ~200 characters. */
export function quoteQuery(query: string, max = 200): string {
  return `“${mrkdwnLiteralWithin(query, max)}”`;
}

/** Plain fallback text: escaped, short, no formatting characters that matter. */
function fallback(text: string): string {
  return mrkdwnLiteralWithin(oneLine(text), LIMITS.ourFallbackText);
}

export interface ResultsOptions {
  corpus: Corpus;
  query: string;
  hits: readonly Hit[];
  /** Offset of the first hit (for "4–6"). */
  offset: number;
  /** Whether a "Show more" button should be offered. */
  hasMore: boolean;
  /** Buttons under the results (the ephemeral reply to `/directions`). */
  buttons: boolean;
  /** The query was cut to the first N characters. */
  truncatedTo?: number;
  /** The user id of who shared the results in the channel (shown as a mention, which Slack renders as their name). */
  sharedBy?: string;
}

/** Said once under results that show a translation. */
export const TRANSLATION_NOTE = "English: the directions project's translation · 原文: the author's own words, in the original answer linked under each excerpt";
/** Room for the smaller line beneath an excerpt, in the other language (about 200 characters, escaped and in bold where it matches). */
const BENEATH_BUDGET = 400;

/**
 * Top excerpts: direction name(s), the excerpt in the reader's language with
 * the matches in bold and the other language beneath it, the author, a link.
 */
export function resultsMessage(options: ResultsOptions): SlackMessage {
  const { corpus, query, hits, offset } = options;
  const blocks: Block[] = [];
  const first = offset + 1;
  const last = offset + hits.length;
  const range = hits.length === 1 ? `${first}` : `${first}–${last}`;
  const who = options.sharedBy !== undefined ? `${userMention(options.sharedBy)} shared excerpts` : "Excerpts";
  const heading = `:mag: ${who} for ${quoteQuery(query)} (${range})`;
  blocks.push(section(heading));
  if (options.truncatedTo !== undefined) {
    blocks.push(context(`Your text was long, so I searched its first ${options.truncatedTo} characters.`));
  }

  // Share the text budget between the hits, with headroom for the rest.
  const perHit = Math.min(LIMITS.ourSectionText, Math.floor((LIMITS.ourTotalText - 1500) / Math.max(1, hits.length)));
  const language = readerLanguage(query);
  const shown = hits.map((hit) => arrangeHit(hit, language));
  shown.forEach(({ main, beneath }, i) => {
    const hit = hits[i]!;
    const names = directionsOf(hit, corpus).map(directionLabel);
    const title = names.length > 0 ? `*${truncate(names.join("  |  "), 400)}*\n` : "";
    const body = highlightMrkdwn(main.text, main.highlights, perHit - title.length - 4 - BENEATH_BUDGET);
    blocks.push(divider());
    blocks.push(section(`${title}>${body.replace(/\n/g, "\n>")}`));
    // One small line: each line break becomes a space, one for one, so that the highlights' offsets stay right.
    if (beneath) blocks.push(context(`${beneath.original ? "原文" : "English"}: ${highlightMrkdwn(beneath.text.replace(/\s/g, " "), beneath.highlights, BENEATH_BUDGET)}`));
    const author = mrkdwnLiteralWithin(hit.author || "Anonymous", 100);
    blocks.push(context(`— ${author} · ${mrkdwnLink(hit.url, "Read the original answer")}`));
  });
  if (shown.some(({ beneath }) => beneath)) blocks.push(context(TRANSLATION_NOTE));

  if (options.buttons) {
    const elements: types.Button[] = [];
    if (options.hasMore) {
      elements.push({
        type: "button",
        action_id: ACTION_SHOW_MORE,
        text: { type: "plain_text", text: "Show more", emoji: true },
        value: encodePage({ q: query, o: offset + hits.length }),
      });
    }
    elements.push({
      type: "button",
      action_id: ACTION_SHARE,
      text: { type: "plain_text", text: "Share in channel", emoji: true },
      style: "primary",
      value: encodePage({ q: query, o: offset }),
    });
    // No block_id: Show more replaces the message, and Slack would carry a fixed block_id's button state over.
    blocks.push({ type: "actions", elements });
  } else if (options.sharedBy === undefined && options.hasMore) {
    blocks.push(context("More with `/directions` followed by your question."));
  }

  const summary = hits
    .map((hit, i) => `${offset + i + 1}. ${hit.author || "Anonymous"}: ${truncate(oneLine(shown[i]!.main.text), 140)}`)
    .join("  ");
  // The mention is added after escaping, so that it stays a mention.
  return clampMessage({ text: `${who} ${fallback(`for “${truncate(query, 100)}”: ${summary}`)}`, blocks });
}

/** Lines "• *English* · 中文", chunked into sections that stay under the limits. */
function directionSections(corpus: Corpus, describe: (d: Direction) => string): Block[] {
  return lineSections(corpus.directions.map((d) => `• *${directionLabel(d)}*${describe(d)}`));
}

const USAGE = [
  "*How to use /directions*",
  "• `/directions &lt;question or keywords&gt;`: the best excerpts from expert answers, only you see them; then *Show more* or *Share in channel*. E.g. `/directions model compression` or `/directions 数据标注太贵怎么办`",
  "• `/directions list`: the research directions",
  "• `/directions weekly help`: a direction of the week posted in a channel; turn it on there with `/directions weekly here`, then pick its time, pause or skip it",
  "• Mention me with a question in a channel and I answer in its thread.",
  "• Ask in English and the excerpts come in our English translation, the author's original (原文) beneath; ask in Chinese and the original comes first. 用中文提问,先显示原文。",
].join("\n");

/** `/directions` alone or `help`: usage and the directions with both names. */
export function helpMessage(corpus: Corpus): SlackMessage {
  const blocks: Block[] = [section(USAGE)];
  if (corpus.directions.length > 0) {
    blocks.push(divider(), section(`*Directions* (${corpus.directions.length})`));
    blocks.push(...directionSections(corpus, () => ""));
  }
  const names = corpus.directions.map((d) => `${d.name.en} (${d.name.zh})`).join(", ");
  return clampMessage({
    text: fallback(`Use /directions followed by a question or keywords; /directions list shows the directions: ${names}`),
    blocks,
  });
}

/** The short help a mention with no question gets. */
export function shortHelpMessage(suggestions: readonly Direction[]): SlackMessage {
  const examples = suggestions.map((d) => `*${directionLabel(d)}*`).join(", ");
  const lines = [
    ":wave: Ask me about a deep-learning research direction and I answer with excerpts from expert answers, e.g. `@directions is model compression worth it?` or `@directions 数据标注太贵怎么办?`",
  ];
  if (examples) lines.push(`Directions I know about include ${examples}. \`/directions help\` lists them all.`);
  return clampMessage({
    text: fallback("Ask me about a deep-learning research direction, e.g. @directions is model compression worth it?"),
    blocks: [section(lines.join("\n"))],
  });
}

/** `/directions list`. */
export function listMessage(corpus: Corpus, passageCount: (id: string) => number): SlackMessage {
  const blocks: Block[] = [section(`*${corpus.directions.length} research directions* · try \`/directions &lt;name&gt;\``)];
  blocks.push(
    ...directionSections(corpus, (d) => {
      const n = passageCount(d.id);
      const summary = d.summary.trim() ? `: ${mrkdwnLiteralWithin(d.summary.trim(), 160)}` : "";
      return `${summary} _(${n} ${n === 1 ? "excerpt" : "excerpts"})_`;
    }),
  );
  const names = corpus.directions.map((d) => `${d.name.en} (${d.name.zh})`).join(", ");
  return clampMessage({ text: fallback(`Research directions: ${names}`), blocks });
}

/** Nothing found: say so plainly and suggest a few directions. */
export function notFoundMessage(query: string, suggestions: readonly Direction[], truncatedTo?: number): SlackMessage {
  let text = `I found nothing in the expert answers about ${quoteQuery(query)}.`;
  if (truncatedTo !== undefined) text += ` (Your text was long, so I searched its first ${truncatedTo} characters.)`;
  if (suggestions.length > 0) {
    const tries = suggestions.map((d) => `*${directionLabel(d)}*`).join(", ");
    text += `\nTry one of these directions: ${tries}, or \`/directions list\` for all of them.`;
  }
  const plainTries = suggestions.map((d) => d.name.en).join(", ");
  return clampMessage({
    text: fallback(`Nothing found for “${truncate(query, 100)}”.${plainTries ? ` Try: ${plainTries}.` : ""}`),
    blocks: [section(text)],
  });
}

/** A message of one plain sentence (escaped). */
export function plainMessage(sentence: string): SlackMessage {
  const text = mrkdwnLiteral(sentence);
  return { text, blocks: [section(text)] };
}

/** One short sentence for any failure. */
export function errorMessage(sentence = "Sorry, something went wrong on my side; please try again in a moment."): SlackMessage {
  return { text: sentence, blocks: [section(mrkdwnLiteral(sentence))] };
}
