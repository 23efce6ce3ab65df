/**
 * Replies through a request's `response_url`, only to Slack.
 *
 * A payload's `response_url` is data like any other: even a signed payload
 * could name any host. Replies go only to Slack's own hosts (commercial Slack
 * and GovSlack) or, when `SLACK_API_URL` is set, to its origin (how tests and
 * other deployments point the bot elsewhere), and redirects are never
 * followed. Bolt's `respond()` would post anywhere and follow redirects, so
 * the app sends its replies with `ResponseUrls.post` instead.
 */
import type { RespondArguments } from "@slack/bolt";

/** The origins of the response_urls Slack hands out (commercial Slack, GovSlack). */
const SLACK_RESPONSE_ORIGINS = ["https://hooks.slack.com", "https://hooks.slack-gov.com"];

/** A reply that could not be delivered: a refused URL, no answer, a redirect, a non-2xx answer. */
export class ResponseUrlError extends Error {
  override name = "ResponseUrlError";
}

/** The origin of a URL for a log line (never its path, which may hold a token), or "a malformed URL". */
export function originOf(url: unknown): string {
  if (typeof url !== "string") return "a malformed URL";
  try {
    return new URL(url).origin;
  } catch {
    return "a malformed URL";
  }
}

export class ResponseUrls {
  private readonly origins: ReadonlySet<string>;

  /**
   * @param apiUrl `SLACK_API_URL`, when set: its origin may receive replies too.
   * @param timeoutMs how long one reply may take.
   */
  constructor(apiUrl: string | undefined, private readonly timeoutMs: number) {
    this.origins = new Set([...SLACK_RESPONSE_ORIGINS, ...(apiUrl !== undefined ? [originOf(apiUrl)] : [])]);
  }

  /** Whether replies may go to `url`. */
  allows(url: unknown): url is string {
    return this.origins.has(originOf(url));
  }

  /**
   * Posts `message` to `url` without following redirects; throws
   * `ResponseUrlError` when `url` is not allowed, cannot be reached in time
   * or does not answer with a 2xx.
   */
  async post(url: unknown, message: RespondArguments): Promise<void> {
    if (!this.allows(url)) throw new ResponseUrlError(`Refused to reply to ${originOf(url)}: not a Slack response_url`);
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(message),
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ResponseUrlError(`Could not reach the response_url: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    await response.body?.cancel();
    if (response.status >= 300 && response.status < 400) {
      throw new ResponseUrlError(`The response_url answered with a redirect (${response.status}), which is not followed`);
    }
    if (!response.ok) throw new ResponseUrlError(`The response_url answered ${response.status} ${response.statusText}`);
  }
}
