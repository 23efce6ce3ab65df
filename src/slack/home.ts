/**
 * The App Home tab: what the bot does and how to ask it (English and
 * Chinese), this week's direction with its summary and papers, the directions
 * with how many excerpts discuss each, the channels that receive the weekly
 * post, and the user's own recent searches. A pure function: data in, a
 * `home` view out; `app_home_opened` gathers the data and publishes it.
 *
 * "This week's direction" is the one posted most recently this week in any
 * channel, else the one of the soonest next post in any channel, else the
 * first of a fresh rotation (`WeeklyChannels.featured`).
 *
 * Slack allows 100 blocks in a view and 3,000 characters per section. Each
 * part here has a character budget and is grouped into few sections, so that
 * a corpus of hundreds of directions, or a workspace of hundreds of
 * subscribed channels, still fits with room to spare (`viewLimitProblems`).
 *
 *   const view = homeView({ corpus, passageCount, searches: ["distillation"], weekly: { channels, featured } });
 *   await client.views.publish({ user_id, view });
 */
import type { Corpus, Direction } from "../corpus/types.js";
import type { ChannelStatus, FeaturedDirection } from "../weekly/index.js";
import { formatLocal } from "../weekly/schedule.js";
import { context, cutMrkdwn, divider, header, lineSections, LIMITS, section, type Block, type SlackView } from "./block-kit.js";
import { directionLabel, papersText, quoteQuery, summaryText } from "./blocks.js";
import { channelMention } from "./text.js";
import { WEEKLY_COMMANDS } from "./requests.js";
import { describeBreak, nextPhrase, scheduleOf, zoneText } from "./weekly-messages.js";

export interface HomeInput {
  corpus: Corpus;
  passageCount: (directionId: string) => number;
  /** The weekly post: every channel's status and this week's direction; `unavailable` when the database cannot be read; absent where the app runs without a store. */
  weekly?: { channels: readonly ChannelStatus[]; featured?: FeaturedDirection } | "unavailable";
  /** The user's recent searches, newest first. */
  searches: readonly string[];
}

/** Characters of each list, so that the view stays far under `LIMITS.ourViewBlocks`. */
const BUDGET = {
  /** The directions (about 6 sections). */
  directions: 16_000,
  /** The channels (about 3 sections). */
  channels: 8_000,
} as const;

const REPAIR = "run `/directions weekly here` there to repair";
const WEEKLY_TITLE = "Weekly post · 每周推送";
const WEEKLY_UNAVAILABLE =
  "The channels that receive the direction of the week cannot be read right now. Open this tab again in a moment. 暂时无法读取每周推送的频道,请稍后再打开此页。";

const INTRO = [
  "I answer questions about which deep-learning research directions are worth following, with excerpts from expert answers (in Chinese, with our English translation). Ask in English or Chinese.",
  "我用专家回答的摘录回答哪些深度学习研究方向值得追踪,中英文提问皆可。",
].join("\n");

const HOW_TO_ASK = [
  "*How to ask · 怎么问*",
  "• `/directions &lt;question&gt;`: the best excerpts, only you see them · 最相关的摘录,只有你能看到",
  "• `@directions &lt;question&gt;` in a channel: I answer in its thread · 在频道里 @我,我在消息串里回答",
  "• `/directions list`: every direction, with a summary · 所有研究方向及简介",
  "• `/directions weekly here`: a direction of the week in that channel · 在该频道每周推送一个方向",
  "E.g. `/directions model compression` or `/directions 数据标注太贵怎么办`",
].join("\n");

const LANGUAGES =
  "Ask in English and the excerpts come in our English translation, the author's original (原文) beneath; ask in Chinese and the original comes first. 用中文提问,先显示原文。";

/** The Home tab of a user. */
export function homeView(input: HomeInput): SlackView {
  const blocks: Block[] = [header("directions · 深度学习前沿方向"), section(INTRO), section(HOW_TO_ASK), context(LANGUAGES)];
  const featured = input.weekly === "unavailable" ? undefined : input.weekly?.featured;
  const direction = featured && input.corpus.directions.find((d) => d.id === featured.direction);
  if (featured && direction) blocks.push(divider(), ...featuredBlocks(featured, direction));
  blocks.push(divider(), ...directionBlocks(input.corpus, input.passageCount));
  if (input.weekly === "unavailable") blocks.push(divider(), header(WEEKLY_TITLE), section(WEEKLY_UNAVAILABLE));
  else if (input.weekly) blocks.push(divider(), ...channelBlocks(input.weekly.channels));
  blocks.push(divider(), ...searchBlocks(input.searches));
  return { type: "home", blocks };
}

function featuredBlocks(featured: FeaturedDirection, direction: Direction): Block[] {
  return [
    header("Direction of the week · 本周方向"),
    section(cutMrkdwn(`*${directionLabel(direction)}*\n${summaryText(direction)}`, LIMITS.ourSectionText)),
    section(papersText(direction)),
    context(featuredWhere(featured)),
  ];
}

/** Where this week's direction comes from, in a few words. */
function featuredWhere(featured: FeaturedDirection): string {
  switch (featured.kind) {
    case "posted":
      return `Posted this week (${featured.post.week}) in ${channelMention(featured.status.subscription.channel)}.`;
    case "next": {
      const { subscription, next } = featured.status;
      return `Coming next in ${channelMention(subscription.channel)}: ${when(next.at, subscription.timeZone)}.`;
    }
    case "first":
      return "No weekly post is coming in any channel: this is the direction a channel turned on now with `/directions weekly here` would get first.";
  }
}

/** `Mon 7 Dec 2026, 09:00 (Asia/Shanghai)`. */
function when(at: Date, timeZone: string): string {
  return `${formatLocal(at, timeZone)} (${zoneText(timeZone)})`;
}

function directionBlocks(corpus: Corpus, passageCount: (id: string) => number): Block[] {
  const counted = corpus.directions
    .map((direction, order) => ({ direction, order, count: passageCount(direction.id) }))
    .sort((a, b) => b.count - a.count || a.order - b.order);
  const lines = counted.map(({ direction, count }) => `• *${directionLabel(direction)}*: ${count} ${count === 1 ? "excerpt" : "excerpts"}`);
  return [
    header(`Directions · 研究方向 (${corpus.directions.length})`),
    ...lineSections(withinBudget(lines, BUDGET.directions, (n) => `…and ${n} more: \`/directions list\` shows them all.`)),
    context("Most discussed first. `/directions list` gives a summary of each."),
  ];
}

function channelBlocks(channels: readonly ChannelStatus[]): Block[] {
  const title = header(WEEKLY_TITLE);
  if (channels.length === 0) {
    return [
      title,
      section("No channel receives the direction of the week yet. Run `/directions weekly here` in a channel to start it there (Mondays 09:00 in your time zone).\n在频道中运行 `/directions weekly here` 即可开启每周推送。"),
    ];
  }
  const lines = channels.map(channelLine);
  return [
    title,
    ...lineSections(withinBudget(lines, BUDGET.channels, (n) => `…and ${n} more channels.`)),
    context(`In a channel: ${WEEKLY_COMMANDS.filter((command) => command.name !== "here").map((command, i) => `\`${i === 0 ? "/directions weekly " : ""}${command.name}\``).join(", ")}.`),
  ];
}

/** `• #channel: Mondays at 09:00 (Asia/Shanghai) · next Mon 7 Dec 2026, 09:00 (Asia/Shanghai)`, or why nothing comes. */
function channelLine(status: ChannelStatus): string {
  const { subscription } = status;
  const where = `• ${channelMention(subscription.channel)}`;
  if (subscription.broken) return `${where}: :warning: stopped: ${describeBreak(subscription.broken.reason)} — ${REPAIR}`;
  return `${where}: ${scheduleOf(subscription)}${subscription.paused && status.next ? ", paused" : ""} · ${nextPhrase(status)}`;
}

function searchBlocks(searches: readonly string[]): Block[] {
  const list =
    searches.length > 0
      ? searches.map((query) => `• ${quoteQuery(query, 150)}`).join("\n")
      : "None yet. Try `/directions model compression` or `@directions 数据标注太贵怎么办?`";
  return [
    header("Your recent searches · 你最近的搜索"),
    section(list),
    context("Only you see them. Kept in the app's memory only, not in its database: forgotten when it restarts. 仅保存在内存中,重启后清除。"),
  ];
}

/** The lines that fit in `budget` characters, and then one line saying how many did not. */
function withinBudget(lines: readonly string[], budget: number, more: (n: number) => string): string[] {
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > budget) return [...kept, more(lines.length - kept.length)];
    kept.push(line);
    used += line.length + 1;
  }
  return kept;
}
