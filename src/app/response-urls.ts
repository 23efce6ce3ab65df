/**
 * Replies go only to Slack: a request whose `response_url` points anywhere
 * else is acknowledged, logged and not handled (see slack/response-url.ts).
 *
 *   app.use(onlySlackResponseUrls(responses, logger));
 */
import type { AnyMiddlewareArgs, Logger, Middleware } from "@slack/bolt";
import { originOf, type ResponseUrls } from "../slack/response-url.js";
import { describeRequest } from "./errors.js";

/** The global middleware; `responses` says which URLs are Slack's. */
export function onlySlackResponseUrls(responses: ResponseUrls, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const request = args.body as unknown as Record<string, unknown>;
    if (!("response_url" in request) || responses.allows(request.response_url)) {
      await args.next();
      return;
    }
    logger.warn(`Ignored ${describeRequest(request)}: its response_url points to ${originOf(request.response_url)}, not to Slack`);
    if ("ack" in args) await (args as { ack?: () => Promise<void> }).ack?.();
  };
}
