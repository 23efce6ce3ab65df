import type { Answers } from "../slack/answers.js";
import type { DeliveryMemory } from "../slack/dedupe.js";
import type { ResponseUrls } from "../slack/response-url.js";
import type { WeeklyChannels } from "../weekly/index.js";

/** The direction of the week as Slack manages it (`/directions weekly …`, the App Home). */
export interface WeeklyDeps {
  channels: WeeklyChannels;
  /** `DIRECTIONS_ADMINS`: who may change the weekly post (empty: everyone). */
  admins: ReadonlySet<string>;
}

/** What the listeners need; created once in app.ts. */
export interface ListenerDeps {
  answers: Answers;
  /** Deliveries already answered (event ids, channel + ts), in the store or in memory. */
  deliveries: DeliveryMemory;
  /** Replies through a request's response_url (only to Slack, no redirects). */
  responses: ResponseUrls;
  /** Absent where the app runs without a store (some tests and benchmarks): `weekly` commands say it is off. */
  weekly?: WeeklyDeps;
}
