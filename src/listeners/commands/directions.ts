import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { SlackMessage } from "../../slack/block-kit.js";
import { errorMessage } from "../../slack/blocks.js";
import { parseRequest } from "../../slack/requests.js";
import type { ListenerDeps } from "../types.js";
import { weeklyCommand } from "./weekly.js";

/**
 * `/directions [help | list | <query>]`: the reply rides on the ack itself
 * (one round trip; the search takes well under a millisecond), ephemeral.
 * `/directions weekly …` manages the direction of the week (./weekly.ts).
 */
export function directionsCommand(deps: ListenerDeps) {
  return async (args: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const { command, ack, logger } = args;
    const request = parseRequest(command.text ?? "");
    if (request.kind === "weekly") {
      await weeklyCommand(deps, args, request.weekly);
      return;
    }
    let reply: SlackMessage;
    try {
      reply = deps.answers.command(request, command.user_id);
    } catch (error) {
      logger.error(`Could not answer /directions from ${command.user_id} in ${command.channel_id}:`, error);
      reply = errorMessage();
    }
    await ack({ response_type: "ephemeral", text: reply.text, blocks: reply.blocks });
  };
}
