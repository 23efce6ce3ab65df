import type { AllMiddlewareArgs, BlockAction, ButtonAction, RespondArguments, SlackActionMiddlewareArgs } from "@slack/bolt";
import { decodePage } from "../../slack/blocks.js";
import type { ListenerDeps } from "../types.js";
import { EXPIRED } from "./show-more.js";

/**
 * "Share in channel": posts the results shown visibly in the channel, naming
 * who shared them (a mention), then removes the ephemeral copy. Both go
 * through the response_url: Slack can't `chat.update` an ephemeral message,
 * and a response_url works in any conversation the command was run in (DMs,
 * channels the bot isn't in) without extra scopes. `replace_original: false`
 * makes the in_channel post a new message rather than an edit of the
 * ephemeral one.
 */
export function share(deps: ListenerDeps) {
  return async ({ ack, action, body, logger }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const page = decodePage(action.value);
    const respond = (message: RespondArguments) => deps.responses.post(body.response_url, message);
    if (page === undefined) {
      await respond({ response_type: "ephemeral", replace_original: false, text: EXPIRED });
      return;
    }
    // A mention: Bolt's body.user.name is only set for clicks in the Home tab.
    const reply = deps.answers.page(page, { buttons: false, sharedBy: body.user.id });
    await respond({
      response_type: "in_channel",
      replace_original: false,
      text: reply.text,
      blocks: reply.blocks,
      unfurl_links: false,
      unfurl_media: false,
    });
    try {
      await respond({ delete_original: true });
    } catch (error) {
      // The shared copy is posted; a leftover ephemeral copy is harmless.
      logger.warn("Shared the results but could not remove the ephemeral copy:", error);
    }
  };
}
