import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { SlackMessage } from "../../slack/block-kit.js";
import { slackError } from "../../slack/fixes.js";
import { WEEKLY_COMMANDS, type WeeklyRequest } from "../../slack/requests.js";
import {
  adminsOnly,
  alreadyOn,
  announcement,
  ARCHIVED,
  changeReply,
  invalidMessage,
  INVITE_FIRST,
  missingScope,
  NOT_AVAILABLE,
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
} from "../../slack/weekly-messages.js";
import type { ChangeResult, ChannelStatus } from "../../weekly/index.js";
import { isValidTimeZone } from "../../weekly/week.js";
import type { ListenerDeps, WeeklyDeps } from "../types.js";

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
/** A subcommand that reads or changes the channel's subscription. */
type Work = Exclude<WeeklyRequest, { sub: "help" | "invalid" }>;

/** Subcommands that change the channel's subscription: announced, and limited to `DIRECTIONS_ADMINS`. */
const CHANGES = new Set<string>(WEEKLY_COMMANDS.filter((command) => command.changes).map((command) => command.name));

/**
 * `/directions weekly …`, in the channel it concerns. Replies that need
 * nothing but the request (help, bad input, refusals) ride on the ack, as the
 * other `/directions` replies do. The rest read or change the store and call
 * Slack (users.info, conversations.info, the announcement), which may take
 * longer than the 3 s Slack gives the ack: those ack at once, empty, and reply
 * through the response_url. A failure there goes to the app's error handler,
 * which logs it and tells the user in one sentence.
 */
export async function weeklyCommand(deps: ListenerDeps, args: CommandArgs, request: WeeklyRequest): Promise<void> {
  const { command, ack } = args;
  const reply = (message: SlackMessage) => ack({ response_type: "ephemeral", text: message.text, blocks: message.blocks });
  if (!deps.weekly) return reply(NOT_AVAILABLE);
  if (request.sub === "help") return reply(weeklyHelpMessage());
  if (request.sub === "invalid") return reply(invalidMessage(request));
  const refused = refusal(deps.weekly, command, request.sub);
  if (refused) return reply(refused);
  await ack();
  const { text, blocks } = await answer(deps.weekly, deps, args, request);
  await deps.responses.post(command.response_url, { response_type: "ephemeral", text, blocks });
}

/** Why the user may not run this here, if they may not: a change by someone not in `DIRECTIONS_ADMINS`, `here` in a DM. */
function refusal({ admins }: WeeklyDeps, command: CommandArgs["command"], sub: Work["sub"]): SlackMessage | undefined {
  if (CHANGES.has(sub) && admins.size > 0 && !admins.has(command.user_id)) return adminsOnly(admins);
  if (sub === "here" && command.channel_id.startsWith("D")) return NOT_IN_DM;
  return undefined;
}

async function answer(weekly: WeeklyDeps, deps: ListenerDeps, args: CommandArgs, request: Work): Promise<SlackMessage> {
  const { channels } = weekly;
  const { channel_id: channel, user_id: user } = args.command;
  const announced = (change: WeeklyChange) => announce(args, change);
  switch (request.sub) {
    case "here":
      return here(weekly, deps, args);
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
      return statusMessage(await channels.status(channel), deps.answers.corpus);
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
async function here({ channels }: WeeklyDeps, deps: ListenerDeps, args: CommandArgs): Promise<SlackMessage> {
  const { channel_id: channel, user_id: user } = args.command;
  const member = await membership(args, channel);
  if (member === "archived") return ARCHIVED;
  if (member === "not-member") return INVITE_FIRST;
  if (typeof member === "object") return missingScope(member.needed);
  const current = await channels.status(channel);
  if (current && !current.subscription.broken) return alreadyOn(current, deps.answers.corpus);
  const zone = current ? { timeZone: current.subscription.timeZone, fallback: false } : await userTimeZone(args, user);
  const { status, before } = await channels.here(channel, user, zone.timeZone);
  if (before?.broken) return announce(args, { kind: "repaired", status, reason: before.broken.reason });
  if (before) return alreadyOn(status, deps.answers.corpus); // turned on meanwhile, by someone else
  return announce(args, { kind: "on", status, zoneFallback: zone.fallback });
}

/**
 * Whether the bot can post in the channel: a member, not one (or, private,
 * cannot see it), archived, or unknown because the app lacks a scope (an app
 * installed from an older manifest, or a group DM).
 */
async function membership({ client, logger }: CommandArgs, channel: string): Promise<"member" | "not-member" | "archived" | { needed?: string }> {
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
async function userTimeZone({ client, logger }: CommandArgs, user: string): Promise<{ timeZone: string; fallback: boolean }> {
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
async function announce({ client, command, logger }: CommandArgs, change: WeeklyChange): Promise<SlackMessage> {
  try {
    await client.chat.postMessage({
      channel: command.channel_id,
      text: announcement(change, command.user_id),
      unfurl_links: false,
      unfurl_media: false,
    });
    return changeReply(change);
  } catch (error) {
    logger.warn(`Could not announce the weekly change (${change.kind}) in ${command.channel_id}:`, error);
    const { code } = slackError(error);
    return changeReply(change, code !== undefined ? { code } : {});
  }
}
