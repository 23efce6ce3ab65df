import type { App } from "@slack/bolt";
import type { ListenerDeps } from "../types.js";
import { directionsCommand } from "./directions.js";

export const COMMAND = "/directions";

export function register(app: App, deps: ListenerDeps): void {
  app.command(COMMAND, directionsCommand(deps));
}
