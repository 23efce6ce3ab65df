/**
 * What `/directions weekly …` says: its replies (ephemeral) and the one-line
 * announcements of changes in the channel. Pure functions: a channel's
 * status in, mrkdwn out. Whatever the user typed, and every name or reason
 * from the store, is escaped here, so nothing echoed can ping or format.
 *
 *   announcement({ kind: "stop" }, "U0123")   // "<@U0123> turned off the direction of the week here."
 */
import type { Corpus } from "../corpus/types.js";
import type { Subscription } from "../store/index.js";
import type { ChannelStatus } from "../weekly/index.js";
import { describeSchedule, formatLocal, slotOf } from "../weekly/schedule.js";
import { clampMessage, context, section, type SlackMessage } from "./block-kit.js";
import { directionLabel, quoteQuery } from "./blocks.js";
import { MAX_PAUSE_WEEKS, WEEKLY_COMMANDS, type WeeklyProblem, type WeeklyRequest } from "./requests.js";
import { escapeSlackText, mrkdwnLiteral, userMention } from "./text.js";

const COMMAND = "/directions weekly";
/** How the commands are written in replies: `/directions weekly here` in code style. */
const cmd = (rest: string): string => `\`${COMMAND} ${rest}\``;

/** A change a `weekly` command made, for its reply and its announcement. */
export type WeeklyChange =
  /** Turned on; `zoneFallback`: the user's time zone could not be read, so it is UTC. */
  | { kind: "on"; status: ChannelStatus; zoneFallback: boolean }
  /** A broken subscription turned back on; `reason`: why it had stopped. */
  | { kind: "repaired"; status: ChannelStatus; reason: string }
  | { kind: "time"; status: ChannelStatus }
  /** `weeks`: undefined until resumed. */
  | { kind: "pause"; status: ChannelStatus; weeks?: number }
  | { kind: "resume"; status: ChannelStatus }
  /** `skipped`: the time of the post that will not be made. */
  | { kind: "skip"; status: ChannelStatus; skipped: Date }
  | { kind: "stop" };

/** A subcommand as help shows it: `time <day> <HH:MM> [<time zone>]`, escaped. */
const usageOf = (command: (typeof WEEKLY_COMMANDS)[number]): string => escapeSlackText(command.args ? `${command.name} ${command.args}` : command.name);
const TIME = WEEKLY_COMMANDS.find((command) => command.name === "time")!;

const TIME_USAGE = `use ${cmd(usageOf(TIME))}, e.g. ${cmd(TIME.example)}`;
const PAUSE_USAGE = `use ${cmd("pause &lt;N&gt;")} with N from 1 to ${MAX_PAUSE_WEEKS} weeks (e.g. ${cmd("pause 2")}), or ${cmd("pause")} to pause until ${cmd("resume")}`;

/** Lines of mrkdwn as a message: one section, the same text as fallback. */
function linesMessage(lines: string[]): SlackMessage {
  const text = lines.join("\n");
  return clampMessage({ text, blocks: [section(text)] });
}

/** `/directions weekly` alone or `help`: every subcommand with an example. */
export function weeklyHelpMessage(): SlackMessage {
  return linesMessage([
    `*Direction of the week*: run ${cmd("&lt;command&gt;")} in the channel it concerns.`,
    ...WEEKLY_COMMANDS.map((command) => `• \`${usageOf(command)}\`: ${command.what}. E.g. ${cmd(command.example)}`),
    "Every change is announced in the channel, with the name of who made it.",
  ]);
}

/** Said where the weekly commands are not taken (a mention, the terminal). */
export function weeklyElsewhereMessage(): SlackMessage {
  return linesMessage([`The direction of the week is managed in Slack, in the channel it concerns: ${cmd("here")} turns it on there, and ${cmd("help")} lists the commands.`]);
}

/** The app runs without the weekly post (no store). */
export const NOT_AVAILABLE = linesMessage(["The direction of the week is not available in this deployment."]);

/** `here` in a direct message. */
export const NOT_IN_DM = linesMessage([`The direction of the week is posted to channels, not to direct messages: run ${cmd("here")} in the channel that should get it.`]);

/** `here` where the app may not check its membership: it lacks `needed` (an older manifest, or a group DM). */
export function missingScope(needed: string | undefined): SlackMessage {
  const scope = needed ? `the \`${mrkdwnLiteral(needed)}\` permission` : "a permission";
  return linesMessage([
    `I cannot check whether I am a member of this conversation: the app lacks ${scope}. ` +
      "The weekly post goes to channels; if this is one, ask whoever installed the app to update it from the current manifest (manifest.yaml) and reinstall it.",
  ]);
}

/** `here` in a channel the bot is not in (or, private, cannot see). */
export const INVITE_FIRST = linesMessage([
  `I am not a member of this channel, so I cannot post there. Invite me with \`/invite @directions\`, then run ${cmd("here")} again.`,
]);

/** `here` in an archived channel. */
export const ARCHIVED = linesMessage(["This channel is archived, so the direction of the week cannot be posted here."]);

/** A change in a channel without a subscription. */
export const OFF_HERE = linesMessage([`The direction of the week is off in this channel. Turn it on with ${cmd("here")}.`]);

/** `stop` or `time` on the subscription of `DIRECTIONS_CHANNEL`. */
export const SET_BY_DEPLOYMENT = linesMessage([
  `The direction of the week in this channel is set by the deployment (\`DIRECTIONS_CHANNEL\`, \`DIRECTIONS_CRON\`, \`DIRECTIONS_TZ\`): its admin changes its time or turns it off there. ${cmd("pause")}, ${cmd("resume")} and ${cmd("skip")} work here.`,
]);

/** A change by someone not in `DIRECTIONS_ADMINS`. */
export function adminsOnly(admins: ReadonlySet<string>): SlackMessage {
  const names = [...admins].slice(0, 5).map(userMention).join(", ");
  return linesMessage([
    `Sorry, only the weekly post's admins (${names}${admins.size > 5 ? ", …" : ""}) can change it. ${cmd("status")} and ${cmd("preview")} work for everyone.`,
  ]);
}

/** One line for bad input: the wrong parts as typed (escaped), and what is accepted. */
export function invalidMessage(request: Extract<WeeklyRequest, { sub: "invalid" }>): SlackMessage {
  const quoted = (problem: WeeklyProblem) => quoteQuery(problem.text, 60);
  switch (request.of) {
    case "unknown":
      return linesMessage([
        `${quoted(request.problems[0]!)} is not a weekly command: use ${WEEKLY_COMMANDS.map((command) => command.name).join(", ")} or help, e.g. ${cmd("help")}.`,
      ]);
    case "pause":
      return linesMessage([`${quoted(request.problems[0]!)} is not a number of weeks: ${PAUSE_USAGE}.`]);
    case "time": {
      const parts = request.problems.map((problem) => {
        switch (problem.part) {
          case "day":
            return `${quoted(problem)} is not a day (mon to sun)`;
          case "time":
            return `${quoted(problem)} is not a time (HH:MM, 00:00 to 23:59)`;
          case "zone":
            return `${quoted(problem)} is not a time zone (an IANA name such as Europe/Berlin)`;
          case "missing":
            return "a day and a time are needed";
          default:
            return `${quoted(problem)} is more than the command takes`;
        }
      });
      return linesMessage([`${capitalized(parts.join(", "))}: ${TIME_USAGE}.`]);
    }
    default:
      return linesMessage([`${cmd(request.of)} takes nothing more: leave out ${quoted(request.problems[0]!)}.`]);
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `Mondays at 09:00 (Europe/Berlin)`, escaped. */
export function scheduleOf(subscription: Subscription): string {
  return `${mrkdwnLiteral(describeSchedule(subscription.schedule))} (${zoneText(subscription.timeZone)})`;
}

/**
 * A zone name as shown: escaped, its `_` kept (`America/New_York`): inside a
 * word it never opens italics, and a look-alike would misspell the name.
 */
export function zoneText(timeZone: string): string {
  return escapeSlackText(timeZone);
}

const BREAKS: Record<string, string> = {
  not_in_channel: "I was removed from the channel",
  is_archived: "the channel was archived",
  channel_not_found: "the channel was deleted, or I can no longer see it",
};

/** Why a subscription stopped, in words (escaped). */
export function describeBreak(reason: string): string {
  return BREAKS[reason] ?? `Slack said ${mrkdwnLiteral(reason)}`;
}

/** `next post Mon 7 Dec 2026, 09:00` (in the channel's zone), or why there is none. */
export function nextPhrase(status: ChannelStatus, label = "next post"): string {
  const { subscription, next } = status;
  if (next) return `${label} ${formatLocal(next.at, subscription.timeZone)}${next.due ? " (due now)" : ""}`;
  if (subscription.broken) return `no post until it is repaired with ${cmd("here")}`;
  if (subscription.paused && subscription.paused.until === undefined) return `paused until ${cmd("resume")}`;
  return "no post is scheduled";
}

/** The one visible line that tells the channel who changed what. */
export function announcement(change: WeeklyChange, user: string): string {
  const who = userMention(user);
  const what = "the direction of the week here";
  switch (change.kind) {
    case "on":
      return `${who} turned on ${what}: ${scheduleOf(change.status.subscription)}; ${nextPhrase(change.status, "first post")}.`;
    case "repaired":
      return `${who} turned the direction of the week back on here (it had stopped: ${describeBreak(change.reason)}): ${scheduleOf(change.status.subscription)}; ${nextPhrase(change.status)}.`;
    case "time":
      return `${who} moved ${what} to ${scheduleOf(change.status.subscription)}; ${nextPhrase(change.status)}.`;
    case "pause":
      return change.weeks === undefined
        ? `${who} paused ${what} until someone runs ${cmd("resume")}.`
        : `${who} paused ${what} for ${weeksText(change.weeks)}; ${nextPhrase(change.status)}.`;
    case "resume":
      return `${who} resumed ${what}; ${nextPhrase(change.status)}.`;
    case "skip":
      return `${who} skipped ${what} on ${formatLocal(change.skipped, change.status.subscription.timeZone)}; ${nextPhrase(change.status)}.`;
    case "stop":
      return `${who} turned off ${what}.`;
  }
}

function weeksText(weeks: number): string {
  return weeks === 1 ? "1 week" : `${weeks} weeks`;
}

/**
 * The ephemeral reply to a change: what changed and the next post; and, when
 * the announcement could not be posted (`unannounced`, with Slack's error
 * code if it gave one), that the change stands all the same.
 */
export function changeReply(change: WeeklyChange, unannounced?: { code?: string }): SlackMessage {
  const lines = [changeLine(change)];
  if (unannounced) {
    const code = unannounced.code !== undefined && /^[a-z0-9_]+$/.test(unannounced.code) ? ` (Slack said \`${unannounced.code}\`)` : "";
    lines.push(`The change is made, but I could not announce it in the channel${code}.`);
  }
  return linesMessage(lines);
}

function changeLine(change: WeeklyChange): string {
  switch (change.kind) {
    case "on": {
      const zone = change.zoneFallback ? ` I could not read your time zone from Slack, so it is UTC; ${TIME_USAGE.replace(/^use/, "to change it, use")}.` : "";
      return `Done: the direction of the week is on in this channel, ${scheduleOf(change.status.subscription)}; ${nextPhrase(change.status, "first post")}.${zone}`;
    }
    case "repaired":
      return `Repaired: the direction of the week is back on in this channel (it had stopped: ${describeBreak(change.reason)}), ${scheduleOf(change.status.subscription)}; ${nextPhrase(change.status)}.`;
    case "time":
      return `Done: the direction of the week is now posted here on ${scheduleOf(change.status.subscription)}; ${nextPhrase(change.status)}.`;
    case "pause":
      return change.weeks === undefined
        ? `Paused: no direction of the week here until someone runs ${cmd("resume")}.`
        : `Paused for ${weeksText(change.weeks)}: ${nextPhrase(change.status)}. ${cmd("resume")} ends the pause earlier.`;
    case "resume":
      return `Resumed: ${nextPhrase(change.status)}.`;
    case "skip":
      return `Skipped the post of ${formatLocal(change.skipped, change.status.subscription.timeZone)}; ${nextPhrase(change.status)}.`;
    case "stop":
      return `Done: the direction of the week is off in this channel. Its rotation is kept, so ${cmd("here")} turns it back on where it left off.`;
  }
}

/** `resume` where nothing is paused. */
export function notPaused(status: ChannelStatus): SlackMessage {
  return linesMessage([`The direction of the week is not paused here: ${nextPhrase(status)}.`]);
}

/** `skip` with no post to skip (paused until resumed, or broken), or one already skipped. */
export function nothingToSkip(status: ChannelStatus): SlackMessage {
  const skipped = skippedAt(status);
  const line = skipped
    ? `The post of ${formatLocal(skipped, status.subscription.timeZone)} is skipped already; ${nextPhrase(status)}. To skip more weeks, use ${cmd("pause &lt;N&gt;")}.`
    : `There is no next post to skip here: ${nextPhrase(status)}.`;
  return linesMessage([line]);
}

/** The time of the skipped post, if one is skipped. */
export function skippedAt(status: ChannelStatus): Date | undefined {
  const { skipWeek, schedule, timeZone } = status.subscription;
  return skipWeek === undefined ? undefined : slotOf(schedule, timeZone, skipWeek);
}

/** `here` where the post is on already: that, and its status. */
export function alreadyOn(status: ChannelStatus, corpus: Corpus): SlackMessage {
  return linesMessage(["The direction of the week is already on in this channel.", ...statusLines(status, corpus)]);
}

/** `status`: whether it is on, its schedule, next post and direction, who set it up; or that it is off. */
export function statusMessage(status: ChannelStatus | undefined, corpus: Corpus): SlackMessage {
  return status ? linesMessage(statusLines(status, corpus)) : OFF_HERE;
}

function statusLines(status: ChannelStatus, corpus: Corpus): string[] {
  const { subscription: s, nextChoice } = status;
  const zone = s.timeZone;
  const state = s.broken ? "broken" : s.paused ? "paused" : "on";
  const lines = [`*Direction of the week in this channel: ${state}*`];
  if (s.broken) {
    lines.push(
      `It stopped on ${formatLocal(new Date(s.broken.since), zone)}: ${describeBreak(s.broken.reason)}. To fix it, invite me (\`/invite @directions\`) and run ${cmd("here")} again.`,
    );
  }
  lines.push(`Schedule: ${scheduleOf(s)}`);
  lines.push(`${capitalized(nextPhrase(status))}${status.next && s.paused ? " (after the pause)" : ""}`);
  const skipped = skippedAt(status);
  if (skipped) lines.push(`Skipped: the post of ${formatLocal(skipped, zone)}`);
  const direction = nextChoice && corpus.directions.find((d) => d.id === nextChoice.direction);
  if (direction) lines.push(`Next direction: *${directionLabel(direction)}*`);
  if (s.source === "deployment") {
    lines.push(`Set by the deployment (\`DIRECTIONS_CHANNEL\`); ${cmd("pause")}, ${cmd("resume")} and ${cmd("skip")} work here.`);
  } else {
    const changed = s.updatedAt !== s.createdAt || s.updatedBy !== s.createdBy ? `; last changed by ${userMention(s.updatedBy)} on ${formatLocal(new Date(s.updatedAt), zone)}` : "";
    lines.push(`Set up by ${userMention(s.createdBy)} on ${formatLocal(new Date(s.createdAt), zone)}${changed} (${zoneText(zone)})`);
  }
  return lines;
}

/**
 * `preview`: the next post's own blocks under one line that says it is a
 * preview (and, where the post is off, that this would be the first post).
 */
export function previewMessage(post: SlackMessage, status: ChannelStatus | undefined): SlackMessage {
  const intro = !status
    ? `Preview, only for you. The direction of the week is off in this channel; this would be its first post (${cmd("here")} turns it on).`
    : status.next
      ? `Preview, only for you: the post of ${formatLocal(status.next.at, status.subscription.timeZone)}.`
      : `Preview, only for you: the next post (${nextPhrase(status)}).`;
  return { text: `Preview: ${post.text}`, blocks: [context(intro), ...post.blocks] };
}

/** Nothing can be posted (no direction has excerpts). */
export const NOTHING_TO_PREVIEW = linesMessage(["There is nothing to preview: no direction has excerpts to post."]);
