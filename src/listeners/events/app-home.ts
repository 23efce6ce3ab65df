import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { viewLimitProblems } from "../../slack/block-kit.js";
import { homeView, type HomeInput } from "../../slack/home.js";
import type { WeeklyChannels } from "../../weekly/index.js";
import type { ListenerDeps } from "../types.js";

/**
 * `app_home_opened` on the Home tab: publishes that user's Home view (see
 * src/slack/home.ts), afresh each time the tab is opened. Without the
 * database the rest of the tab is still published, saying the channels cannot
 * be read now. A failure is logged once and not retried: the next opening of
 * the tab tries again.
 */
export function appHomeOpened(deps: ListenerDeps) {
  return async ({ event, client, logger }: SlackEventMiddlewareArgs<"app_home_opened"> & AllMiddlewareArgs): Promise<void> => {
    if (event.tab !== "home") return;
    try {
      const view = homeView({
        corpus: deps.answers.corpus,
        passageCount: (id) => deps.answers.passageCount(id),
        searches: deps.answers.searches.of(event.user),
        ...(deps.weekly ? { weekly: await weeklyPart(deps.weekly.channels).catch((error: unknown) => {
          logger.warn(`The App Home of ${event.user} is published without the weekly channels (cannot read them):`, error);
          return "unavailable" as const;
        }) } : {}),
      });
      const problems = viewLimitProblems(view);
      if (problems.length > 0) logger.warn(`The App Home of ${event.user} is near or over Slack's limits: ${problems.join("; ")}`);
      await client.views.publish({ user_id: event.user, view });
    } catch (error) {
      logger.error(`Could not publish the App Home of ${event.user}:`, error);
    }
  };
}

/** Every channel's status and this week's direction. */
async function weeklyPart(channels: WeeklyChannels): Promise<NonNullable<HomeInput["weekly"]>> {
  const statuses = await channels.all();
  const featured = channels.featured(statuses);
  return { channels: statuses, ...(featured ? { featured } : {}) };
}
