import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { SlackMessage } from "../../slack/block-kit.js";
import type { WeeklyRequest } from "../../slack/requests.js";
import { planWeekly } from "../../slack/weekly-commands.js";
import { NOT_AVAILABLE } from "../../slack/weekly-messages.js";
import type { ListenerDeps } from "../types.js";

/**
 * `/directions weekly …` (src/slack/weekly-commands.ts does the work).
 * Replies that need nothing but the request (help, bad input, refusals) ride
 * on the ack, as the other `/directions` replies do. The rest read or change
 * the store and call Slack (users.info, conversations.info, the
 * announcement), which may take longer than the 3 s Slack gives the ack:
 * those ack at once, empty, and reply through the response_url. A failure
 * there goes to the app's error handler, which logs it and tells the user in
 * one sentence.
 */
export async function weeklyCommand(deps: ListenerDeps, args: SlackCommandMiddlewareArgs & AllMiddlewareArgs, request: WeeklyRequest): Promise<void> {
  const { command, ack, client, logger } = args;
  const reply = (message: SlackMessage) => ack({ response_type: "ephemeral", text: message.text, blocks: message.blocks });
  if (!deps.weekly) return reply(NOT_AVAILABLE);
  const plan = planWeekly(request, { ...deps.weekly, corpus: deps.answers.corpus }, { channel: command.channel_id, user: command.user_id, client, logger });
  if ("now" in plan) return reply(plan.now);
  await ack();
  const { text, blocks } = await plan.later();
  await deps.responses.post(command.response_url, { response_type: "ephemeral", text, blocks });
}
