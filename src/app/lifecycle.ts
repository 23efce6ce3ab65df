/**
 * Starting and stopping the Bolt app: the bot token checked first, a refused
 * token or a busy port turned into one clear message, Socket Mode's
 * reconnects logged, and a stop that waits briefly for requests in flight.
 *
 *   const { start, stop } = lifecycle(app, { config, socket, logger });
 *   const started = await start();   // { mode: "http", port: 3000 }
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { App, Logger, SocketModeReceiver } from "@slack/bolt";
import { ConfigError, type HttpConfig, type SocketConfig } from "../config.js";
import { slackError } from "../slack/fixes.js";
import { EVENTS_PATH } from "./receivers.js";

export interface StartedSlackApp {
  mode: "socket" | "http";
  /** HTTP mode: the port actually listened on (useful with PORT=0). */
  port?: number;
}

export interface LifecycleOptions {
  config: SocketConfig | HttpConfig;
  /** The Socket Mode receiver, in Socket Mode. */
  socket?: SocketModeReceiver;
  logger: Logger;
  /** HTTP mode: interface to bind (default: all). */
  host?: string;
}

/** Waits this long for Socket Mode to say it disconnected, and for HTTP requests in flight, on stop. */
const STOP_GRACE_MS = { socket: 3000, http: 2000 };

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

export function lifecycle(app: App, options: LifecycleOptions): { start(): Promise<StartedSlackApp>; stop(): Promise<void> } {
  const { config, socket, logger } = options;
  const apiUrl = config.apiUrl ?? "https://slack.com/api/";
  let server: Server | undefined;

  async function start(): Promise<StartedSlackApp> {
    try {
      await app.init(); // auth.test: checks the bot token, learns the bot's user id
    } catch (error) {
      throw startupError(error, "SLACK_BOT_TOKEN", apiUrl);
    }
    if (socket !== undefined) {
      const client = socket.client;
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
    logger.info(`Listening for Slack on port ${actual}: POST ${EVENTS_PATH}, GET /healthz`);
    return { mode: "http", port: actual };
  }

  async function stop(): Promise<void> {
    if (socket !== undefined) {
      const client = socket.client;
      const disconnected = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, STOP_GRACE_MS.socket);
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
    const force = setTimeout(() => current.closeAllConnections(), STOP_GRACE_MS.http);
    try {
      await app.stop();
    } finally {
      clearTimeout(force);
    }
  }

  return { start, stop };
}
