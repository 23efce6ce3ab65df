/**
 * Wires the Bolt app: receiver (Socket Mode or HTTP), Web API client options,
 * listeners, the global error handler, and start/stop. Knows nothing about
 * search beyond `SearchLike`; the listeners are thin.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  App,
  SocketModeReceiver,
  webApi,
  type CodedError,
  type Context,
  type Logger,
} from "@slack/bolt";
import { ConfigError, type HttpConfig, type SocketConfig } from "./config.js";
import { registerListeners, type WeeklyDeps } from "./listeners/index.js";
import { createHttpReceiver, guardSocketMode } from "./receivers.js";
import { Answers, type SearchLike } from "./slack/answers.js";
import { adminFix, slackError } from "./slack/fixes.js";
import { DeliveryMemory } from "./slack/dedupe.js";
import { AppLogger } from "./slack/logger.js";
import { originOf, ResponseUrlError, ResponseUrls } from "./slack/response-url.js";

/** What every failure tells the user: one short sentence. */
export const FAILURE_SENTENCE = "Sorry, something went wrong on my side; please try again in a moment.";

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

export interface StartedSlackApp {
  mode: "socket" | "http";
  /** HTTP mode: the port actually listened on (useful with PORT=0). */
  port?: number;
}

export interface SlackApp {
  readonly app: App;
  readonly logger: Logger;
  start(): Promise<StartedSlackApp>;
  stop(): Promise<void>;
}

function isWebApiError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && code.startsWith("slack_webapi_");
}

/** A readable start-up failure for a refused token or an unreachable Slack. */
function startupError(error: unknown, variable: "SLACK_BOT_TOKEN" | "SLACK_APP_TOKEN", apiUrl: string): Error {
  const { code } = slackError(error);
  const where =
    variable === "SLACK_BOT_TOKEN"
      ? "OAuth & Permissions → Bot User OAuth Token (reinstall the app if it was revoked)"
      : "Basic Information → App-Level Tokens (with the connections:write scope)";
  if (code !== undefined && /auth|token|revoked|inactive|team_disabled|not_allowed/.test(code)) {
    return new ConfigError(`${variable} was refused by Slack (${code}): copy it again from ${where}`);
  }
  if (code !== undefined) return new Error(`Slack refused to start the app (${code})`);
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`Could not reach Slack at ${apiUrl}: ${message}`);
}

/** The channel a request came from, if it says. */
function channelOf(body: Record<string, unknown> | undefined): string | undefined {
  const candidates = [body?.channel_id, (body?.channel as { id?: unknown } | undefined)?.id, (body?.event as { channel?: unknown } | undefined)?.channel];
  return candidates.find((candidate): candidate is string => typeof candidate === "string");
}

/** Describes a request for the log, without its text (which may be private). */
function describeRequest(body: Record<string, unknown> | undefined): string {
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

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { config } = options;
  const secrets = config.mode === "http" ? [config.signingSecret] : [];
  const logger = options.logger ?? new AppLogger({ level: config.logLevel, secrets });
  const apiUrl = config.apiUrl ?? "https://slack.com/api/";
  const timeoutMs = options.timeoutMs ?? 10_000;

  // Few, quick retries: the user is waiting, and a retried chat.postMessage whose
  // first answer was lost posts twice. A finite timeout so nothing hangs forever.
  const clientOptions: webApi.WebClientOptions = {
    retryConfig: options.retryConfig ?? { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2000 },
    timeout: timeoutMs,
    ...(config.apiUrl !== undefined ? { slackApiUrl: config.apiUrl } : {}),
  };

  let app: App;
  let receiver: SocketModeReceiver | undefined;
  if (config.mode === "socket") {
    // The Socket Mode receiver builds its own Web API client (for apps.connections.open)
    // from installerOptions.clientOptions, not from clientOptions: give it the API URL
    // too. A copy without retryConfig, because @slack/socket-mode sets its own
    // (many retries, for reconnecting) on the object it is given.
    receiver = new SocketModeReceiver({
      appToken: config.appToken,
      logger,
      installerOptions: {
        clientOptions: {
          timeout: clientOptions.timeout,
          ...(config.apiUrl !== undefined ? { slackApiUrl: config.apiUrl } : {}),
        },
      },
      ...(options.socketPingTimeoutMs !== undefined ? { clientPingTimeout: options.socketPingTimeoutMs } : {}),
    });
    guardSocketMode(receiver, logger);
    app = new App({
      token: config.botToken,
      receiver,
      logger,
      // Without logLevel, Bolt resets the given logger's level to INFO.
      logLevel: logger.getLevel(),
      clientOptions,
      // No conversation store: we keep no per-conversation state, and Bolt's default
      // one builds an Error ("Conversation not found") on every request.
      convoStore: false,
      deferInitialization: true,
      extendedErrorHandler: true,
    });
  } else {
    const httpReceiver = createHttpReceiver({
      signingSecret: config.signingSecret,
      port: config.port,
      endpoints: "/slack/events",
      customRoutes: [
        {
          path: "/healthz",
          method: ["GET"],
          handler: (_req, res) => {
            res.writeHead(200, { "content-type": "application/json" });
            res.end('{"ok":true}');
          },
        },
      ],
      logger,
      logLevel: logger.getLevel(),
    });
    app = new App({
      token: config.botToken,
      receiver: httpReceiver,
      logger,
      logLevel: logger.getLevel(),
      clientOptions,
      convoStore: false,
      deferInitialization: true,
      extendedErrorHandler: true,
    });
  }

  // Replies go only to Slack: a request whose response_url points elsewhere is acknowledged and ignored.
  const responses = new ResponseUrls(config.apiUrl, timeoutMs);
  app.use(async (args) => {
    const request = args.body as unknown as Record<string, unknown>;
    if (!("response_url" in request) || responses.allows(request.response_url)) {
      await args.next();
      return;
    }
    logger.warn(`Ignored ${describeRequest(request)}: its response_url points to ${originOf(request.response_url)}, not to Slack`);
    if ("ack" in args) await args.ack?.();
  });

  const answers = new Answers(options.search);
  registerListeners(app, {
    answers,
    deliveries: options.deliveries ?? new DeliveryMemory(),
    responses,
    ...(options.weekly ? { weekly: options.weekly } : {}),
  });

  // With extendedErrorHandler the handler also gets the request's body and context.
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

  let server: Server | undefined;

  async function start(): Promise<StartedSlackApp> {
    try {
      await app.init(); // auth.test: checks the bot token, learns the bot's user id
    } catch (error) {
      throw startupError(error, "SLACK_BOT_TOKEN", apiUrl);
    }
    if (config.mode === "socket" && receiver !== undefined) {
      const client = receiver.client;
      client.on("connected", () => logger.info("Connected to Slack (Socket Mode)"));
      client.on("reconnecting", () => logger.info("Socket Mode connection dropped; reconnecting"));
      client.on("disconnected", () => logger.debug("Socket Mode disconnected"));
      try {
        await app.start();
      } catch (error) {
        throw startupError(error, "SLACK_APP_TOKEN", apiUrl);
      }
      return { mode: "socket" };
    }
    const port = (config as HttpConfig).port;
    const listenOptions = options.host !== undefined ? { port, host: options.host } : port;
    try {
      server = (await app.start(listenOptions as never)) as Server;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EADDRINUSE") throw new ConfigError(`PORT ${port} is already in use: stop the other program or set PORT to a free port`);
      if (code === "EACCES") throw new ConfigError(`PORT ${port} needs more privileges: use a port above 1023`);
      throw error;
    }
    const actual = (server.address() as AddressInfo).port;
    logger.info(`Listening for Slack on port ${actual}: POST /slack/events, GET /healthz`);
    return { mode: "http", port: actual };
  }

  async function stop(): Promise<void> {
    if (config.mode === "socket" && receiver !== undefined) {
      const client = receiver.client;
      const disconnected = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 3000);
        client.once("disconnected", () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await app.stop();
      await disconnected;
      return;
    }
    if (server === undefined) return;
    const current = server;
    server = undefined;
    // Idle keep-alive connections are closed by close(); give requests in flight a moment.
    const force = setTimeout(() => current.closeAllConnections(), 2000);
    try {
      await app.stop();
    } finally {
      clearTimeout(force);
    }
  }

  return { app, logger, start, stop };
}
