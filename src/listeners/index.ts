import type { App } from "@slack/bolt";
import { register as registerActions } from "./actions/index.js";
import { register as registerCommands } from "./commands/index.js";
import { register as registerEvents } from "./events/index.js";
import type { ListenerDeps } from "./types.js";

export type { ListenerDeps, WeeklyDeps } from "./types.js";

/** Registers every listener: one folder per kind, as in Slack's bolt-js starter template. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  registerCommands(app, deps);
  registerEvents(app, deps);
  registerActions(app, deps);
}
