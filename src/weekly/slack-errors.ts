/**
 * What to do about a failed Slack call when a post must happen exactly once:
 * give up and tell the admin how to fix it (permanent), or wait and try again
 * after checking the channel (retryable: rate limits, 5xx, network errors,
 * timeouts, and the ambiguous `internal_error`/`fatal_error`, any of which may
 * hide a post that did land).
 *
 * A retryable failure also says whether Slack may *still be handling* the
 * call (`unknownOutcome`): a timeout, a connection reset after the request
 * was sent, a gateway's 502/504. Until well after such a call, the channel
 * history cannot prove that the post did not land.
 */
import { webApi } from "@slack/bolt";
import { adminFix } from "../slack/fixes.js";

/** Slack errors that mean the channel is gone for the bot (removed, archived, deleted): its subscription is broken until repaired. */
export const CHANNEL_GONE: ReadonlySet<string> = new Set(["not_in_channel", "is_archived", "channel_not_found"]);

export type SlackFailure =
  | { kind: "permanent"; code: string; fix: string }
  | {
      kind: "retryable";
      code: string;
      /** Slack's Retry-After, when it gave one. */
      waitMs?: number;
      /** The request may have reached Slack and still be in its hands: a later channel check is needed before trusting "not posted". */
      unknownOutcome?: boolean;
    };

/** Network errors raised before a request could reach Slack: nothing was sent. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);
/** Answers of a proxy in front of Slack that gave up waiting: Slack may still be handling the call. */
const GATEWAY_GAVE_UP = new Set([408, 500, 502, 504]);
/** `ok:false` answers after which the post may still have been made, in part or later: Slack documents `fatal_error` as possibly partly done. */
const MAY_HAVE_POSTED = new Set(["internal_error", "fatal_error", "request_timeout"]);

/** `ok:false` answers that do not mean the call failed for good (and may hide a post that landed). */
const RETRYABLE_PLATFORM = new Set([
  "ratelimited",
  "rate_limited",
  "internal_error",
  "fatal_error",
  "request_timeout",
  "service_unavailable",
]);

/** @param where the channel at fault in the admin's terms (`DIRECTIONS_CHANNEL=C…`, `channel C…`), for the fix. */
export function classifySlackError(error: unknown, where: string): SlackFailure {
  const coded = error as { code?: string } | null;
  switch (coded?.code) {
    case webApi.ErrorCode.PlatformError: {
      const data = (error as webApi.WebAPIPlatformError).data as { error: string; needed?: string };
      const code = data.error;
      if (RETRYABLE_PLATFORM.has(code)) return { kind: "retryable", code, unknownOutcome: MAY_HAVE_POSTED.has(code) };
      const fix = adminFix(code, where, data.needed) ?? `Slack refused the call (${code}); see https://api.slack.com/methods for what it means`;
      return { kind: "permanent", code, fix };
    }
    case webApi.ErrorCode.RateLimitedError: {
      const seconds = (error as webApi.WebAPIRateLimitedError).retryAfter;
      return { kind: "retryable", code: "rate limited (HTTP 429)", waitMs: seconds * 1000 };
    }
    case webApi.ErrorCode.HTTPError: {
      const status = (error as webApi.WebAPIHTTPError).statusCode;
      if (status >= 500 || status === 408) return { kind: "retryable", code: `HTTP ${status}`, unknownOutcome: GATEWAY_GAVE_UP.has(status) };
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
      if (original.name === "TimeoutError") return { kind: "retryable", code: "timeout", unknownOutcome: true };
      return { kind: "retryable", code: `network error (${detail})`, unknownOutcome: !NOT_SENT.has(cause?.code ?? "") };
    }
    default:
      // A timeout or network error that did not come through the client's wrapper.
      if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
        return { kind: "retryable", code: "timeout", unknownOutcome: true };
      }
      return {
        kind: "permanent",
        code: error instanceof Error ? error.message : String(error),
        fix: "unexpected error, see the message",
      };
  }
}
