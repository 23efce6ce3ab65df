import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { SlackMessage } from "../../slack/block-kit.js";
import { errorMessage } from "../../slack/blocks.js";
import type { ListenerDeps } from "../types.js";

/**
 * `@directions <question>`: the best excerpts, in the thread of the mention
 * (its thread if it was posted in one, else the mention itself).
 *
 * Each mention is answered once: a delivery whose event id *or* channel + ts
 * was seen recently is a duplicate (Slack's retries, and copies with a new
 * event id), on this replica or on another one sharing the store. A retry
 * whose first delivery never arrived is answered normally.
 * Messages from bots, this one included, are never answered.
 */
export function appMention(deps: ListenerDeps) {
  return async ({ event, body, context, client, logger }: SlackEventMiddlewareArgs<"app_mention"> & AllMiddlewareArgs): Promise<void> => {
    if (event.bot_id !== undefined || event.subtype === "bot_message" || event.user === undefined) return;
    if (context.botUserId !== undefined && event.user === context.botUserId) return;

    const keys = [`event:${body.event_id}`, `message:${event.channel}:${event.ts}`];
    if (!(await deps.deliveries.claim(keys))) {
      const retry = context.retryNum !== undefined ? ` (retry ${context.retryNum}${context.retryReason ? `, ${context.retryReason}` : ""})` : "";
      logger.info(`Already answered the mention ${event.channel}/${event.ts}; ignoring a duplicate delivery ${body.event_id}${retry}`);
      return;
    }

    let reply: SlackMessage;
    try {
      reply = deps.answers.mention(event.text ?? "", event.user);
    } catch (error) {
      logger.error(`Could not answer the mention ${event.channel}/${event.ts}:`, error);
      reply = errorMessage();
    }
    await client.chat.postMessage({
      channel: event.channel,
      thread_ts: event.thread_ts ?? event.ts,
      text: reply.text,
      blocks: reply.blocks,
      unfurl_links: false,
      unfurl_media: false,
    });
  };
}
