/**
 * Direction of the week: the public API used by the bot's start-up and the CLI.
 *
 *   const content = new DirectionOfTheWeek(search);
 *   const channels = new WeeklyChannels({ store, content, onChange: () => scheduler.refresh() });
 *   await channels.syncDeployment(readWeeklyConfig());   // DIRECTIONS_CHANNEL, if set
 *   const scheduler = new WeeklyScheduler({ store, channels, content, client: createWeeklyClient(token), logger });
 *   scheduler.start();
 *
 *   // src/cli.ts: `directions post-weekly …`
 *   process.exitCode = await postWeeklyCommand(argv);
 */
export { readWeeklyAdmins, readWeeklyConfig, readWeeklySettings, type WeeklyConfig, type WeeklySettings } from "./config.js";
export { WeeklyChannels, type ChannelStatus, type ChangeResult, type FeaturedDirection } from "./channels.js";
export { WeeklyScheduler } from "./scheduler.js";
export { postWeeklyCommand, POST_WEEKLY_USAGE, type PostWeeklyIo } from "./command.js";
export { importLegacyState } from "./legacy-state.js";
export { WeeklyPublisher, createWeeklyClient, type PublishOutcome, type WeeklyPublisherOptions } from "./publisher.js";
export { DirectionOfTheWeek, type ScheduledContent, type WeeklySearch } from "./direction-post.js";
export { buildWeeklyPost, renderPostAsText, checkPostLimits, WEEKLY_EVENT_TYPE, type WeeklyPost } from "./post.js";
export { isoWeekOf, isoWeekOfDate } from "./week.js";
export type { WeeklyLogger } from "./logger.js";
