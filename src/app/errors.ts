/**
 * The app's one error handler: a failed listener is logged once (with what an
 * admin can do about a Slack error code) and whoever was waiting gets one
 * short sentence, where that can still work.
 *
 *   handleErrors(app, { logger, responses });
 */
import type { App, CodedError, Context, Logger } from "@slack/bolt";
import { adminFix, slackError } from "../slack/fixes.js";
import { ResponseUrlError, type ResponseUrls } from "../slack/response-url.js";

/** What every failure tells the user: one short sentence. */
export const FAILURE_SENTENCE = "Sorry, something went wrong on my side; please try again in a moment.";

function isWebApiError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && code.startsWith("slack_webapi_");
}

/** The channel a request came from, if it says. */
function channelOf(body: Record<string, unknown> | undefined): string | undefined {
  const candidates = [body?.channel_id, (body?.channel as { id?: unknown } | undefined)?.id, (body?.event as { channel?: unknown } | undefined)?.channel];
  return candidates.find((candidate): candidate is string => typeof candidate === "string");
}

/** Describes a request for the log, without its text (which may be private). */
export function describeRequest(body: Record<string, unknown> | undefined): string {
  if (!body) return "a request";
  if (typeof body.command === "string") return `${body.command} from ${String(body.user_id)} in ${String(body.channel_id)}`;
  if (body.type === "block_actions") {
    const action = (body.actions as Array<{ action_id?: string }> | undefined)?.[0];
    const user = (body.user as { id?: string } | undefined)?.id;
    return `button ${action?.action_id ?? "?"} from ${user ?? "?"}`;
  }
  const event = body.event as { type?: string; channel?: string; ts?: string } | undefined;
  if (event) return `${event.type ?? "event"} ${String(body.event_id ?? "")} in ${event.channel ?? "?"}/${event.ts ?? "?"}`;
  return `a ${String(body.type ?? "request")}`;
}

/** Registers the error handler (the app must be created with `extendedErrorHandler: true`, so it gets the request too). */
export function handleErrors(app: App, { logger, responses }: { logger: Logger; responses: ResponseUrls }): void {
  app.error(async ({ error, body, context }: { error: CodedError; body: unknown; context: Context; logger: Logger }) => {
    const request = body as unknown as Record<string, unknown> | undefined;
    const original = (error as { original?: unknown }).original ?? error;
    const { code, needed } = slackError(original);
    const hint = code !== undefined ? adminFix(code, `channel ${channelOf(request) ?? "?"}`, needed) : undefined;
    logger.error(`Failed to handle ${describeRequest(request)}${hint ? ` (${hint})` : ""}:`, original);
    await tellUser(request, original, context.botToken).catch((notified: unknown) => {
      logger.warn(`Could not tell the user about the failure:`, notified);
    });
  });

  /** Best effort: one short sentence to whoever was waiting, where that can still work. */
  async function tellUser(body: Record<string, unknown> | undefined, error: unknown, token: string | undefined): Promise<void> {
    if (!body) return;
    // A reply that failed would just fail again.
    if ("response_url" in body && !(error instanceof ResponseUrlError)) {
      await responses.post(body.response_url, { response_type: "ephemeral", replace_original: false, text: FAILURE_SENTENCE });
      return;
    }
    const event = body.event as { type?: string; channel?: string; ts?: string; thread_ts?: string } | undefined;
    // A failed Slack call (not_in_channel, rate limits…) would just fail again.
    if (event?.type === "app_mention" && event.channel && event.ts && !isWebApiError(error)) {
      await app.client.chat.postMessage({
        token,
        channel: event.channel,
        thread_ts: event.thread_ts ?? event.ts,
        text: FAILURE_SENTENCE,
      });
    }
  }
}
