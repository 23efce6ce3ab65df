/**
 * Settings of the direction of the week, read from the environment and
 * validated once at start-up, so that a typo surfaces as one clear message
 * naming the variable instead of a job that silently never fires.
 */
import path from "node:path";
import cron from "node-cron";
import { ConfigError, setting, type Env } from "../config.js";
import { isValidTimeZone } from "./week.js";

export const DEFAULT_CRON = "0 9 * * 1";
export const DEFAULT_TIME_ZONE = "UTC";
export const DEFAULT_STATE_PATH = "data/state.json";

/** The deployment's weekly channel (`DIRECTIONS_CHANNEL` and its schedule); present only when it is set. */
export interface WeeklyConfig {
  /** Channel id (`C…` public, `G…` private) to post to. */
  channel: string;
  /** node-cron expression, evaluated in `timeZone`. */
  cron: string;
  /** IANA time zone of the schedule and of the week boundaries. */
  timeZone: string;
  /** Absolute path of the JSON state file. */
  statePath: string;
}

/** The same settings with the channel optional (e.g. `post-weekly --dry-run` needs no channel). */
export type WeeklySettings = Omit<WeeklyConfig, "channel"> & { channel?: string };

/** A public (`C…`) or private (`G…`) channel id. */
export const CHANNEL_ID_RE = /^[CG][A-Z0-9]{6,}$/;

/** node-cron's own words for what is wrong with an expression, for the error message. */
function cronProblem(expression: string): string {
  try {
    const detail = cron.validateDetailed(expression);
    return detail.errors.map((e) => e.message).join("; ") || "invalid";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Reads and validates `DIRECTIONS_CHANNEL`, `DIRECTIONS_CRON`, `DIRECTIONS_TZ`
 * and `DIRECTIONS_STATE`. Throws `ConfigError` naming the variable when one is
 * malformed, even when the channel is unset (a wrong value is a mistake worth
 * reporting either way).
 */
export function readWeeklySettings(env: Env = process.env, cwd: string = process.cwd()): WeeklySettings {
  const channel = setting(env, "DIRECTIONS_CHANNEL");
  if (channel !== undefined && !CHANNEL_ID_RE.test(channel)) {
    throw new ConfigError(
      `DIRECTIONS_CHANNEL must be a channel id such as C0123456789 (got "${channel}"); ` +
        "a name like #general does not work: in Slack, open the channel's details, the id is at the bottom of the About tab.",
    );
  }

  const cronExpression = setting(env, "DIRECTIONS_CRON") ?? DEFAULT_CRON;
  // node-cron also takes six fields, seconds first: such an expression means something else than the
  // five fields asked for, and can fire every second.
  const fields = cronExpression.split(/\s+/).length;
  if (fields !== 5 || !cron.validate(cronExpression)) {
    const why = fields !== 5 ? `${fields} ${fields === 1 ? "field" : "fields"}, not 5` : cronProblem(cronExpression);
    throw new ConfigError(
      `DIRECTIONS_CRON is not a valid cron expression ("${cronExpression}": ${why}); ` +
        `use five fields "minute hour day-of-month month day-of-week", e.g. "${DEFAULT_CRON}" for Mondays at 09:00.`,
    );
  }

  const timeZone = setting(env, "DIRECTIONS_TZ") ?? DEFAULT_TIME_ZONE;
  if (!isValidTimeZone(timeZone)) {
    throw new ConfigError(
      `DIRECTIONS_TZ must be an IANA time zone name such as Asia/Shanghai, Europe/Berlin or UTC (got "${timeZone}").`,
    );
  }

  const statePath = path.resolve(cwd, setting(env, "DIRECTIONS_STATE") ?? DEFAULT_STATE_PATH);
  return { channel, cron: cronExpression, timeZone, statePath };
}

/**
 * The deployment's weekly channel, or `undefined` when `DIRECTIONS_CHANNEL`
 * is unset (channels turned on from Slack still get their posts). Throws
 * `ConfigError` on a malformed setting.
 */
export function readWeeklyConfig(env: Env = process.env, cwd: string = process.cwd()): WeeklyConfig | undefined {
  const settings = readWeeklySettings(env, cwd);
  if (settings.channel === undefined) return undefined;
  return { ...settings, channel: settings.channel };
}

const USER_ID_RE = /^[UW][A-Z0-9]{2,}$/;

/**
 * `DIRECTIONS_ADMINS`: user ids (comma- or space-separated) who may change the
 * weekly post from Slack; empty when unset (everyone may). Throws
 * `ConfigError` on something that is not a user id, such as a name.
 */
export function readWeeklyAdmins(env: Env = process.env): ReadonlySet<string> {
  const ids = (setting(env, "DIRECTIONS_ADMINS") ?? "").split(/[\s,]+/).filter(Boolean);
  const wrong = ids.find((id) => !USER_ID_RE.test(id));
  if (wrong !== undefined) {
    throw new ConfigError(
      `DIRECTIONS_ADMINS must list user ids such as U0123456789, separated by commas (got "${wrong}"); ` +
        "a person's id is in their Slack profile: ⋮ → Copy member ID.",
    );
  }
  return new Set(ids);
}
