/**
 * The Bolt app, wired: a table of contents. Each part lives in its own place:
 * the receiver of the configured mode (app/receivers.ts), replies only to
 * Slack (app/response-urls.ts), the listeners (listeners/), the one error
 * handler (app/errors.ts) and start/stop (app/lifecycle.ts). Knows nothing about search beyond `SearchLike`.
 *
 *   const slack = createSlackApp({ config, search, deliveries, weekly });
 *   await slack.start();
 */
import { App, webApi, type Logger } from "@slack/bolt";
import type { HttpConfig, SocketConfig } from "./config.js";
import { registerListeners, type WeeklyDeps } from "./listeners/index.js";
import { handleErrors } from "./app/errors.js";
import { lifecycle, type StartedSlackApp } from "./app/lifecycle.js";
import { createReceiver } from "./app/receivers.js";
import { onlySlackResponseUrls } from "./app/response-urls.js";
import { Answers, type SearchLike } from "./slack/answers.js";
import { DeliveryMemory } from "./slack/dedupe.js";
import { AppLogger } from "./slack/logger.js";
import { ResponseUrls } from "./slack/response-url.js";


export interface SlackAppOptions {
  config: SocketConfig | HttpConfig;
  search: SearchLike;
  logger?: Logger;
  /** HTTP mode: interface to bind (default: all). Tests use 127.0.0.1. */
  host?: string;
  /**
   * Socket Mode: the client's ping timeout, which is also its delay before
   * reconnecting (default 5,000 ms, @slack/socket-mode's). Tests shorten it.
   */
  socketPingTimeoutMs?: number;
  /** Web API retries (default: 2 retries, 0.5 s then 1 s). */
  retryConfig?: webApi.RetryOptions;
  /** Timeout in ms of a Web API request and of a reply through response_url (default 10,000). */
  timeoutMs?: number;
  /** Which mentions were answered (default: in process memory only). */
  deliveries?: DeliveryMemory;
  /** The weekly post's channels and admins (`/directions weekly …`, the App Home). */
  weekly?: WeeklyDeps;
}

export interface SlackApp {
  readonly app: App;
  readonly logger: Logger;
  start(): Promise<StartedSlackApp>;
  stop(): Promise<void>;
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { config } = options;
  const logger = options.logger ?? new AppLogger({ level: config.logLevel, secrets: config.mode === "http" ? [config.signingSecret] : [] });
  const timeoutMs = options.timeoutMs ?? 10_000;

  const { receiver, socket } = createReceiver(config, { logger, timeoutMs, ...(options.socketPingTimeoutMs !== undefined ? { socketPingTimeoutMs: options.socketPingTimeoutMs } : {}) });
  const app = new App({
    token: config.botToken,
    receiver,
    logger,
    // Without logLevel, Bolt resets the given logger's level to INFO.
    logLevel: logger.getLevel(),
    // Few, quick retries: the user is waiting, and a retried chat.postMessage whose
    // first answer was lost posts twice. A finite timeout so nothing hangs forever.
    clientOptions: {
      retryConfig: options.retryConfig ?? { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2000 },
      timeout: timeoutMs,
      ...(config.apiUrl !== undefined ? { slackApiUrl: config.apiUrl } : {}),
    },
    // No conversation store: we keep no per-conversation state, and Bolt's default
    // one builds an Error ("Conversation not found") on every request.
    convoStore: false,
    deferInitialization: true,
    // The error handler also gets the request's body and context.
    extendedErrorHandler: true,
  });

  const responses = new ResponseUrls(config.apiUrl, timeoutMs);
  app.use(onlySlackResponseUrls(responses, logger));
  registerListeners(app, {
    answers: new Answers(options.search),
    deliveries: options.deliveries ?? new DeliveryMemory(),
    responses,
    ...(options.weekly ? { weekly: options.weekly } : {}),
  });
  handleErrors(app, { logger, responses });

  return { app, logger, ...lifecycle(app, { config, logger, ...(socket ? { socket } : {}), ...(options.host !== undefined ? { host: options.host } : {}) }) };
}
