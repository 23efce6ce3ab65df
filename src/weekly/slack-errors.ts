/**
 * What to do about a failed Slack call when a post must happen exactly once:
 * give up and tell the admin how to fix it (permanent), or wait and try again
 * after checking the channel (retryable: rate limits, 5xx, network errors,
 * timeouts, and the ambiguous `internal_error`/`fatal_error`, any of which may
 * hide a post that did land).
 */
import { webApi } from "@slack/bolt";

export type SlackFailure =
  | { kind: "permanent"; code: string; fix: string }
  | { kind: "retryable"; code: string; /** Slack's Retry-After, when it gave one. */ waitMs?: number };

const BUG = "the message was rejected as malformed: this is a bug in directions, please report it with the week and direction";

/** Permanent errors and the one-line fix for each. `{channel}` is replaced by the channel id. */
const PERMANENT: Record<string, string> = {
  channel_not_found:
    "check DIRECTIONS_CHANNEL={channel}: the channel does not exist or the bot cannot see it (for a private channel, invite the bot first: /invite @directions)",
  not_in_channel: "invite the bot to the channel: /invite @directions in channel {channel}",
  is_archived: "channel {channel} is archived: unarchive it or set DIRECTIONS_CHANNEL to another channel",
  restricted_action: "posting in channel {channel} is restricted: let the bot post there or choose another channel",
  invalid_auth: "SLACK_BOT_TOKEN is not valid: copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page",
  not_authed: "SLACK_BOT_TOKEN is missing: set it to the Bot User OAuth Token (xoxb-…)",
  token_revoked: "SLACK_BOT_TOKEN was revoked: reinstall the app to the workspace and update SLACK_BOT_TOKEN",
  token_expired: "SLACK_BOT_TOKEN has expired: reinstall the app to the workspace and update SLACK_BOT_TOKEN",
  account_inactive: "the bot's token belongs to a deactivated app or user: reinstall the app and update SLACK_BOT_TOKEN",
  not_allowed_token_type: "SLACK_BOT_TOKEN must be a bot token (xoxb-…), not an app-level (xapp-…) or user token",
  missing_scope:
    "add the bot scopes chat:write and channels:history (groups:history for a private channel) on the app's OAuth & Permissions page, then reinstall the app",
  msg_too_long: BUG,
  invalid_blocks: BUG,
  invalid_blocks_format: BUG,
  invalid_metadata_format: BUG,
  invalid_metadata_schema: BUG,
  metadata_too_large: BUG,
  no_text: BUG,
  invalid_arguments: BUG,
};

/** `ok:false` answers that do not mean the call failed for good (and may hide a post that landed). */
const RETRYABLE_PLATFORM = new Set([
  "ratelimited",
  "rate_limited",
  "internal_error",
  "fatal_error",
  "request_timeout",
  "service_unavailable",
]);

export function classifySlackError(error: unknown, channel: string): SlackFailure {
  const fill = (fix: string) => fix.replace(/\{channel\}/g, channel);
  const coded = error as { code?: string } | null;
  switch (coded?.code) {
    case webApi.ErrorCode.PlatformError: {
      const data = (error as webApi.WebAPIPlatformError).data as { error: string; needed?: string };
      const code = data.error;
      if (RETRYABLE_PLATFORM.has(code)) return { kind: "retryable", code };
      let fix = PERMANENT[code] ?? `Slack refused the call (${code}); see https://api.slack.com/methods for what it means`;
      if (code === "missing_scope" && data.needed) {
        fix = `add the bot scope ${data.needed} on the app's OAuth & Permissions page, then reinstall the app`;
      }
      return { kind: "permanent", code, fix: fill(fix) };
    }
    case webApi.ErrorCode.RateLimitedError: {
      const seconds = (error as webApi.WebAPIRateLimitedError).retryAfter;
      return { kind: "retryable", code: "rate limited (HTTP 429)", waitMs: seconds * 1000 };
    }
    case webApi.ErrorCode.HTTPError: {
      const status = (error as webApi.WebAPIHTTPError).statusCode;
      if (status >= 500 || status === 408) return { kind: "retryable", code: `HTTP ${status}` };
      return {
        kind: "permanent",
        code: `HTTP ${status}`,
        fix: "the Slack API answered with an unexpected HTTP status: check SLACK_API_URL (leave it unset for slack.com)",
      };
    }
    case webApi.ErrorCode.RequestError: {
      const original = (error as webApi.WebAPIRequestError).original;
      const cause = (original as { cause?: { code?: string; message?: string } }).cause;
      const detail = cause?.code ?? cause?.message ?? original.message;
      const what = original.name === "TimeoutError" ? "timeout" : `network error (${detail})`;
      return { kind: "retryable", code: what };
    }
    default:
      // A timeout or network error that did not come through the client's wrapper.
      if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
        return { kind: "retryable", code: "timeout" };
      }
      return {
        kind: "permanent",
        code: error instanceof Error ? error.message : String(error),
        fix: "unexpected error, see the message",
      };
  }
}
