import type { Answers } from "../slack/answers.js";
import type { DeliveryMemory } from "../slack/dedupe.js";
import type { ResponseUrls } from "../slack/response-url.js";

/** What the listeners need; created once in app.ts. */
export interface ListenerDeps {
  answers: Answers;
  /** Deliveries already answered (event ids, channel + ts), in the store or in memory. */
  deliveries: DeliveryMemory;
  /** Replies through a request's response_url (only to Slack, no redirects). */
  responses: ResponseUrls;
}
