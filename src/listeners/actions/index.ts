import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import { ACTION_SHARE, ACTION_SHOW_MORE } from "../../slack/blocks.js";
import type { ListenerDeps } from "../types.js";
import { share } from "./share.js";
import { showMore } from "./show-more.js";

export function register(app: App, deps: ListenerDeps): void {
  app.action<BlockAction<ButtonAction>>({ type: "block_actions", action_id: ACTION_SHOW_MORE }, showMore(deps));
  app.action<BlockAction<ButtonAction>>({ type: "block_actions", action_id: ACTION_SHARE }, share(deps));
}
