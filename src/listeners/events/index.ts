import type { App } from "@slack/bolt";
import type { ListenerDeps } from "../types.js";
import { appHomeOpened } from "./app-home.js";
import { appMention } from "./app-mention.js";

export function register(app: App, deps: ListenerDeps): void {
  app.event("app_mention", appMention(deps));
  app.event("app_home_opened", appHomeOpened(deps));
}
