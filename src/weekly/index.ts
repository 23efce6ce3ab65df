/**
 * Direction of the week: the public API used by the bot's start-up and the CLI.
 *
 *   const config = readWeeklyConfig();          // undefined: DIRECTIONS_CHANNEL unset, job off
 *   if (config) startWeeklyJob({ config, search, token, apiUrl, logger });
 *
 *   // src/cli.ts: `directions post-weekly …`
 *   process.exitCode = await postWeeklyCommand(argv);
 */
export { readWeeklyConfig, readWeeklySettings, type WeeklyConfig, type WeeklySettings } from "./config.js";
export { startWeeklyJob, firstScheduledTimeInWeek, type WeeklyJob, type WeeklyJobOptions } from "./scheduler.js";
export { postWeeklyCommand, POST_WEEKLY_USAGE, type PostWeeklyIo } from "./command.js";
export { importLegacyState } from "./legacy-state.js";
export { WeeklyPublisher, createWeeklyClient, type PublishOutcome, type WeeklyPublisherOptions } from "./publisher.js";
export { DirectionOfTheWeek, type ScheduledContent, type WeeklySearch } from "./direction-post.js";
export { buildWeeklyPost, renderPostAsText, checkPostLimits, WEEKLY_EVENT_TYPE, type WeeklyPost } from "./post.js";
export { isoWeekOf, isoWeekOfDate } from "./week.js";
export type { WeeklyLogger } from "./logger.js";
