/**
 * What an admin can do about a Slack error code that needs one: one table for
 * the bot's replies and the weekly post. `{channel}` names the channel at
 * fault in the caller's terms (the channel id, or `DIRECTIONS_CHANNEL=…`).
 * And `slackError`, which reads the code off a failed Web API call.
 */
const BUG = "Slack refused a malformed message: this is a bug in directions, please report it";

const FIXES: Record<string, string> = {
  channel_not_found: "check {channel}: the channel does not exist or the bot cannot see it (for a private channel, invite the bot first: /invite @directions)",
  not_in_channel: "invite the bot to {channel}: /invite @directions",
  is_archived: "{channel} is archived: unarchive it or use another channel",
  restricted_action: "posting in {channel} is restricted: let the bot post there or use another channel",
  invalid_auth: "SLACK_BOT_TOKEN is not valid: copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page",
  not_authed: "SLACK_BOT_TOKEN is missing: set it to the Bot User OAuth Token (xoxb-…)",
  token_revoked: "SLACK_BOT_TOKEN was revoked: reinstall the app to the workspace and update SLACK_BOT_TOKEN",
  token_expired: "SLACK_BOT_TOKEN has expired: reinstall the app to the workspace and update SLACK_BOT_TOKEN",
  account_inactive: "the bot's token belongs to a deactivated app or user: reinstall the app and update SLACK_BOT_TOKEN",
  not_allowed_token_type: "SLACK_BOT_TOKEN must be a bot token (xoxb-…), not an app-level (xapp-…) or user token",
  missing_scope: "add the bot scopes of manifest.yaml on the app's OAuth & Permissions page, then reinstall the app",
  ratelimited: "Slack is rate-limiting the app; it recovers by itself",
  rate_limited: "Slack is rate-limiting the app; it recovers by itself",
  msg_too_long: BUG,
  invalid_blocks: BUG,
  invalid_blocks_format: BUG,
  invalid_metadata_format: BUG,
  invalid_metadata_schema: BUG,
  metadata_too_large: BUG,
  no_text: BUG,
  invalid_arguments: BUG,
};

/** The fix for a Slack error code, if it has one; `needed` is the scope Slack names for `missing_scope`. */
export function adminFix(code: string, channel: string, needed?: string): string | undefined {
  if (code === "missing_scope" && needed) return `add the bot scope ${needed} on the app's OAuth & Permissions page, then reinstall the app`;
  return FIXES[code]?.replace(/\{channel\}/g, channel);
}

/** A Web API error's Slack error code (`invalid_auth`, …), and for `missing_scope` the scope needed, if it is one. */
export function slackError(error: unknown): { code?: string; needed?: string } {
  const data = (error as { data?: { error?: unknown; needed?: unknown } } | undefined)?.data;
  return {
    ...(typeof data?.error === "string" ? { code: data.error } : {}),
    ...(typeof data?.needed === "string" ? { needed: data.needed } : {}),
  };
}
