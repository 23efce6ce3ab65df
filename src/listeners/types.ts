import type { Answers } from "../slack/answers.js";
import type { RecentKeys } from "../slack/dedupe.js";

/** What the listeners need; created once in app.ts. */
export interface ListenerDeps {
  answers: Answers;
  /** Deliveries already answered (event ids, channel + ts). */
  recent: RecentKeys;
}
