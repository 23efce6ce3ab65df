/**
 * The few logging calls the weekly post makes (scheduler, publisher, post-weekly). Bolt's `app.logger` and
 * `console` both fit, so the bot and the CLI can pass what they have.
 */
export interface WeeklyLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const consoleLogger: WeeklyLogger = {
  info: (message) => console.log(message),
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};
