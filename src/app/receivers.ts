/**
 * Bolt's receivers for the configured mode (`createReceiver`): Socket Mode,
 * or HTTP with a health check, both guarded against deliveries whose payload
 * is not a JSON object. Slack never sends one, but a request can carry `payload=null` and
 * still be signed, and Bolt reads every payload as an object: over HTTP,
 * `null` made it throw (the request hung and the rejection went unhandled) and
 * other non-objects waited 3 s for a 404; in Socket Mode, an Events API
 * envelope with a `null` payload made the Socket Mode client throw, without
 * an ack. Here such deliveries are answered at once and logged, and never
 * reach Bolt.
 */
import {
  HTTPModuleFunctions,
  HTTPReceiver,
  isRawBodyError,
  isValidSlackRequest,
  SocketModeReceiver,
  type BufferedIncomingMessage,
  type HTTPReceiverOptions,
  type Logger,
} from "@slack/bolt";
import type { HttpConfig, SocketConfig } from "../config.js";

/** The HTTP endpoint of commands, events and button clicks. */
export const EVENTS_PATH = "/slack/events";

export interface ReceiverOptions {
  logger: Logger;
  /** Timeout in ms of the Socket Mode client's Web API calls (apps.connections.open). */
  timeoutMs: number;
  /** Socket Mode: the client's ping timeout, which is also its delay before reconnecting. */
  socketPingTimeoutMs?: number;
}

/** The receiver of the configured mode; `socket` is the same receiver when it is Socket Mode's (start/stop watch its client). */
export function createReceiver(config: SocketConfig | HttpConfig, options: ReceiverOptions): { receiver: HTTPReceiver | SocketModeReceiver; socket?: SocketModeReceiver } {
  const { logger } = options;
  if (config.mode === "socket") {
    // The Socket Mode receiver builds its own Web API client (for apps.connections.open)
    // from installerOptions.clientOptions, not from the app's clientOptions: give it the
    // API URL too. No retryConfig: @slack/socket-mode sets its own (many retries, for
    // reconnecting) on the object it is given.
    const socket = new SocketModeReceiver({
      appToken: config.appToken,
      logger,
      installerOptions: {
        clientOptions: {
          timeout: options.timeoutMs,
          ...(config.apiUrl !== undefined ? { slackApiUrl: config.apiUrl } : {}),
        },
      },
      ...(options.socketPingTimeoutMs !== undefined ? { clientPingTimeout: options.socketPingTimeoutMs } : {}),
    });
    guardSocketMode(socket, logger);
    return { receiver: socket, socket };
  }
  const receiver = createHttpReceiver({
    signingSecret: config.signingSecret,
    port: config.port,
    endpoints: EVENTS_PATH,
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
  return { receiver };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "null", "an array", "a number"…, for a log line. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `${/^[aeiou]/.test(typeof value) ? "an" : "a"} ${typeof value}`;
}

/**
 * What a request's body holds when Bolt can parse it but it is not an object
 * (`null`, an array…), else `undefined`. Bodies Bolt cannot parse are left to
 * Bolt, which answers them itself (400, or 401 when unsigned).
 */
function notAnObject(req: BufferedIncomingMessage): string | undefined {
  // A form without a `payload` field (a slash command) is an object: no need to parse it here as well as in Bolt.
  const form = String(req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded");
  if (form && !/(?:^|&)payload=/.test(req.rawBody.toString())) return undefined;
  let body: unknown;
  try {
    body = HTTPModuleFunctions.parseHTTPRequestBody(req);
  } catch {
    return undefined;
  }
  return isObject(body) ? undefined : kindOf(body);
}

function isSigned(req: BufferedIncomingMessage, signingSecret: string): boolean {
  const signature = req.headers["x-slack-signature"];
  const timestamp = Number(req.headers["x-slack-request-timestamp"]);
  if (typeof signature !== "string") return false;
  return isValidSlackRequest({
    signingSecret,
    body: req.rawBody.toString(),
    headers: { "x-slack-signature": signature, "x-slack-request-timestamp": timestamp },
  });
}

/**
 * Bolt's HTTP receiver, except that a signed POST to the endpoint whose body
 * is not a JSON object gets a 400 at once (an unsigned one still gets Bolt's
 * 401). The body is read here first, with Bolt's size limit; Bolt then uses
 * the copy read here.
 */
function createHttpReceiver(options: HTTPReceiverOptions & { endpoints: string; logger: Logger }): HTTPReceiver {
  const { logger, endpoints: endpoint, signingSecret } = options;
  const receiver = new HTTPReceiver(options);
  const handle = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    if (req.method !== "POST" || new URL(req.url ?? "/", "http://localhost").pathname !== endpoint) {
      handle(req, res); // other routes, and Bolt's 404 for unknown ones
      return;
    }
    HTTPModuleFunctions.bufferIncomingMessage(req, options.bodyLimit ?? HTTPModuleFunctions.defaultBodyLimit)
      .then((buffered) => {
        const kind = notAnObject(buffered);
        if (kind === undefined || !isSigned(buffered, signingSecret)) {
          handle(buffered, res);
          return;
        }
        logger.warn(`Refused a signed request whose payload is ${kind}, not a JSON object (answered 400)`);
        res.writeHead(400).end();
      })
      .catch((error: unknown) => {
        const status = isRawBodyError(error) ? (error as { statusCode: number }).statusCode : 400;
        logger.warn(`Could not read a request's body (answered ${status}):`, error);
        if (!res.headersSent) res.writeHead(status).end();
      });
  };
  return receiver;
}

/**
 * A delivery whose payload is not what its type needs: its envelope id, its
 * type and what is wrong. `undefined` for everything else: good deliveries,
 * hello and disconnect messages, text that is not JSON (the client ignores it).
 */
function refusedEnvelope(data: string | ArrayBuffer): { id: string; type: string; problem: string } | undefined {
  let envelope: unknown;
  try {
    envelope = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
  if (!isObject(envelope) || typeof envelope.envelope_id !== "string") return undefined;
  const { payload } = envelope;
  let problem: string | undefined;
  if (!isObject(payload)) problem = kindOf(payload);
  else if (envelope.type === "events_api" && !isObject(payload.event)) problem = `an event callback whose event is ${kindOf(payload.event)}`;
  return problem === undefined ? undefined : { id: envelope.envelope_id, type: String(envelope.type), problem };
}

/**
 * Socket Mode: an envelope whose payload is not a JSON object (or an Events
 * API envelope without an event object) is acked at once with an empty
 * payload and logged, instead of reaching the Socket Mode client's handler,
 * which would throw on it. Everything else goes to that handler unchanged.
 */
function guardSocketMode(receiver: SocketModeReceiver, logger: Logger): void {
  const client = receiver.client;
  // The client hands every WebSocket message to its own "ws_message" listener.
  const handlers = client.listeners("ws_message");
  client.removeAllListeners("ws_message");
  client.on("ws_message", (data: string | ArrayBuffer, isBinary: boolean) => {
    const refused = isBinary ? undefined : refusedEnvelope(data);
    if (refused === undefined) {
      for (const handler of handlers) handler(data, isBinary);
      return;
    }
    logger.warn(`Ignored a Socket Mode ${refused.type} envelope whose payload is ${refused.problem} (acked)`);
    client.websocket?.send(JSON.stringify({ envelope_id: refused.id, payload: {} }), (error) => {
      if (error !== undefined) logger.warn("Could not ack the envelope:", error);
    });
  });
}
