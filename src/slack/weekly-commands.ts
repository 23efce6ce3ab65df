/**
 * What `/directions weekly …` does, in the channel it concerns: turns the
 * direction of the week on (after checking that the bot is a member, in the
 * time zone of whoever asked), changes, pauses, skips or stops it, says its
 * status or shows its next post; every change is announced in the channel.
 * The listener (listeners/commands/weekly.ts) only acks and replies.
 *
 *   const plan = planWeekly(request, { channels, admins, corpus }, { channel, user, client, logger });
 *   if ("now" in plan) await ack(plan.now);                  // help, bad input, refusals
 *   else { await ack(); await respond(await plan.later()); }  // the rest
 */
import type { Logger, webApi } from "@slack/bolt";
import type { Corpus } from "../corpus/types.js";
import type { ChangeResult, ChannelStatus, WeeklyChannels } from "../weekly/index.js";
import { isValidTimeZone } from "../weekly/week.js";
import type { SlackMessage } from "./block-kit.js";
import { slackError } from "./fixes.js";
import { WEEKLY_COMMANDS, type WeeklyRequest } from "./requests.js";
import {
  adminsOnly,
  alreadyOn,
  announcement,
  ARCHIVED,
  changeReply,
  invalidMessage,
  INVITE_FIRST,
  missingScope,
  NOT_IN_DM,
  NOTHING_TO_PREVIEW,
  nothingToSkip,
  notPaused,
  OFF_HERE,
  previewMessage,
  SET_BY_DEPLOYMENT,
  skippedAt,
  statusMessage,
  weeklyHelpMessage,
  type WeeklyChange,
} from "./weekly-messages.js";

/** The deployment's side: the channels, who may change them (`DIRECTIONS_ADMINS`; empty: everyone), the corpus for direction names. */
export interface WeeklySetup {
  channels: WeeklyChannels;
  admins: ReadonlySet<string>;
  corpus: Corpus;
}

/** Who asked, where, and the Slack client to check the channel, read their time zone and announce with. */
export interface WeeklyContext {
  channel: string;
  user: string;
  client: webApi.WebClient;
  logger: Logger;
}

/** Subcommands that change the channel's subscription: announced, and limited to `DIRECTIONS_ADMINS`. */
const CHANGES = new Set<string>(WEEKLY_COMMANDS.filter((command) => command.changes).map((command) => command.name));

/**
 * What to answer: `now`, a reply that needs nothing but the request (help,
 * bad input, and refusals: a change by someone not in `DIRECTIONS_ADMINS`,
 * `here` in a direct message), or `later`, the work that reads or changes the
 * store and calls Slack, and then says what was done.
 */
export function planWeekly(request: WeeklyRequest, setup: WeeklySetup, context: WeeklyContext): { now: SlackMessage } | { later: () => Promise<SlackMessage> } {
  if (request.sub === "help") return { now: weeklyHelpMessage() };
  if (request.sub === "invalid") return { now: invalidMessage(request) };
  if (CHANGES.has(request.sub) && setup.admins.size > 0 && !setup.admins.has(context.user)) return { now: adminsOnly(setup.admins) };
  if (request.sub === "here" && context.channel.startsWith("D")) return { now: NOT_IN_DM };
  return { later: () => run(request, setup, context) };
}

/** A subcommand that reads or changes the channel's subscription. */
async function run(request: Exclude<WeeklyRequest, { sub: "help" | "invalid" }>, setup: WeeklySetup, context: WeeklyContext): Promise<SlackMessage> {
  const { channels, corpus } = setup;
  const { channel, user } = context;
  const announced = (change: WeeklyChange) => announce(context, change);
  switch (request.sub) {
    case "here":
      return here(setup, context);
    case "time": {
      const schedule = { day: request.day, minute: request.minute };
      return changed(await channels.setTime(channel, user, schedule, request.timeZone), (status) => announced({ kind: "time", status }));
    }
    case "pause":
      return changed(await channels.pause(channel, user, request.weeks), (status) =>
        announced({ kind: "pause", status, ...(request.weeks !== undefined ? { weeks: request.weeks } : {}) }),
      );
    case "resume":
      return changed(await channels.resume(channel, user), (status, before) =>
        before?.paused ? announced({ kind: "resume", status }) : notPaused(status),
      );
    case "skip":
      return changed(await channels.skip(channel, user), (status, before) => {
        const skipped = skippedAt(status);
        const unchanged = status.subscription.skipWeek === before?.skipWeek;
        return skipped && !unchanged ? announced({ kind: "skip", status, skipped }) : nothingToSkip(status);
      });
    case "stop":
      return changed(await channels.stop(channel), () => announced({ kind: "stop" }));
    case "status":
      return statusMessage(await channels.status(channel), corpus);
    case "preview": {
      const preview = await channels.preview(channel);
      return preview ? previewMessage(preview.post, preview.status) : NOTHING_TO_PREVIEW;
    }
  }
}

/** The reply to a change that WeeklyChannels may refuse: `done` says what to reply when it was made. */
async function changed(
  result: ChangeResult,
  done: (status: ChannelStatus, before: Extract<ChangeResult, { kind: "done" }>["before"]) => SlackMessage | Promise<SlackMessage>,
): Promise<SlackMessage> {
  if (result.kind === "not-subscribed") return OFF_HERE;
  if (result.kind === "deployment") return SET_BY_DEPLOYMENT;
  return done(result.status, result.before);
}

/**
 * `here`: only in a channel the bot is in; turns the post on in the user's
 * time zone, repairs a broken subscription (keeping its schedule), or says it
 * is on already.
 */
async function here({ channels, corpus }: WeeklySetup, context: WeeklyContext): Promise<SlackMessage> {
  const { channel, user } = context;
  const member = await membership(context);
  if (member === "archived") return ARCHIVED;
  if (member === "not-member") return INVITE_FIRST;
  if (typeof member === "object") return missingScope(member.needed);
  const current = await channels.status(channel);
  if (current && !current.subscription.broken) return alreadyOn(current, corpus);
  const zone = current ? { timeZone: current.subscription.timeZone, fallback: false } : await userTimeZone(context);
  const { status, before } = await channels.here(channel, user, zone.timeZone);
  if (before?.broken) return announce(context, { kind: "repaired", status, reason: before.broken.reason });
  if (before) return alreadyOn(status, corpus); // turned on meanwhile, by someone else
  return announce(context, { kind: "on", status, zoneFallback: zone.fallback });
}

/**
 * Whether the bot can post in the channel: a member, not one (or, private,
 * cannot see it), archived, or unknown because the app lacks a scope (an app
 * installed from an older manifest, or a group DM).
 */
async function membership({ client, logger, channel }: WeeklyContext): Promise<"member" | "not-member" | "archived" | { needed?: string }> {
  try {
    const info = await client.conversations.info({ channel });
    if (info.channel?.is_archived) return "archived";
    return info.channel?.is_member ? "member" : "not-member";
  } catch (error) {
    const { code, needed } = slackError(error);
    if (code === "channel_not_found") return "not-member";
    if (code === "missing_scope") {
      logger.warn(`weekly here in ${channel}: conversations.info needs the ${needed ?? "channels:read/groups:read"} scope: update the app from manifest.yaml and reinstall it`);
      return needed ? { needed } : {};
    }
    throw error;
  }
}

/** The user's time zone from their profile; UTC (and `fallback`) when Slack does not say. */
async function userTimeZone({ client, logger, user }: WeeklyContext): Promise<{ timeZone: string; fallback: boolean }> {
  try {
    const { user: profile } = await client.users.info({ user });
    if (profile?.tz && isValidTimeZone(profile.tz)) return { timeZone: profile.tz, fallback: false };
    logger.warn(`users.info gave no usable time zone for ${user}; the weekly post uses UTC`);
  } catch (error) {
    logger.warn(`Could not read the time zone of ${user} (users.info); the weekly post uses UTC:`, error);
  }
  return { timeZone: "UTC", fallback: true };
}

/** Announces a change in its channel, then says what changed; the change stands even if the announcement fails. */
async function announce({ client, channel, user, logger }: WeeklyContext, change: WeeklyChange): Promise<SlackMessage> {
  try {
    await client.chat.postMessage({
      channel,
      text: announcement(change, user),
      unfurl_links: false,
      unfurl_media: false,
    });
    return changeReply(change);
  } catch (error) {
    logger.warn(`Could not announce the weekly change (${change.kind}) in ${channel}:`, error);
    const { code } = slackError(error);
    return changeReply(change, code !== undefined ? { code } : {});
  }
}
