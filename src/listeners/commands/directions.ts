import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { errorMessage, type SlackMessage } from "../../slack/blocks.js";
import type { ListenerDeps } from "../types.js";

/**
 * `/directions [help | list | <query>]`: the reply rides on the ack itself
 * (one round trip; the search takes well under a millisecond), ephemeral.
 */
export function directionsCommand(deps: ListenerDeps) {
  return async ({ command, ack, logger }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    let reply: SlackMessage;
    try {
      reply = deps.answers.command(command.text ?? "", command.user_id);
    } catch (error) {
      logger.error(`Could not answer /directions from ${command.user_id} in ${command.channel_id}:`, error);
      reply = errorMessage();
    }
    await ack({ response_type: "ephemeral", text: reply.text, blocks: reply.blocks });
  };
}
