import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { decodePage } from "../../slack/blocks.js";
import type { ListenerDeps } from "../types.js";

export const EXPIRED = "That button no longer works; run /directions again.";

/** "Show more": the next excerpts, replacing the ephemeral message (through its response_url). */
export function showMore(deps: ListenerDeps) {
  return async ({ ack, action, body }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const page = decodePage(action.value);
    if (page === undefined) {
      await deps.responses.post(body.response_url, { response_type: "ephemeral", replace_original: false, text: EXPIRED });
      return;
    }
    const reply = deps.answers.page(page, { buttons: true });
    await deps.responses.post(body.response_url, { response_type: "ephemeral", replace_original: true, text: reply.text, blocks: reply.blocks });
  };
}
