import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { FAKE_APP_ID, type SocketModeEndpoint } from "./fake-slack.js";

export type EnvelopeType = "slash_commands" | "events_api" | "interactive";

export interface EnvelopeOptions {
  /** Events API redelivery number (Slack sends 0 on the first delivery). */
  retryAttempt?: number;
  /** Why Slack redelivers, e.g. "timeout"; "" on the first delivery. */
  retryReason?: string;
  /** Whether Slack will use the ack's payload as the reply; defaults as Slack does per type. */
  acceptsResponsePayload?: boolean;
  /** How long to wait for the app's ack before rejecting. */
  timeoutMs?: number;
}

/** What the app sends back for an envelope; @slack/socket-mode always includes `payload` (`{}` for a bare ack). */
export interface SocketModeAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

interface PendingAck {
  resolve: (ack: SocketModeAck) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Slack closes a connection itself if the client ignores a disconnect request; we wait this long. */
const DISCONNECT_GRACE_MS = 5000;
/** Slack pings its clients; @slack/socket-mode drops a connection that goes serverPingTimeout (30 s) without one. */
const SERVER_PING_INTERVAL_MS = 10_000;
/** How long close() lets a client finish the close handshake. */
const CLOSE_GRACE_MS = 1000;
const DEBUG_INFO = { host: "applink-local", build_number: 1, approximate_connection_time: 18060 };

/** Starts a local Socket Mode endpoint so Bolt's SocketModeReceiver runs unchanged against it. */
export async function startSocketModeServer(options: { appId?: string } = {}): Promise<SocketModeServer> {
  const server = new SocketModeServer(options.appId ?? FAKE_APP_ID);
  await server.listen();
  return server;
}

export class SocketModeServer implements SocketModeEndpoint {
  /** Connections whose client has received hello so far, reconnections included. */
  connectionCount = 0;
  /** Every ack received, in order. */
  readonly acks: SocketModeAck[] = [];

  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly events = new EventEmitter();
  private readonly tickets = new Set<string>();
  private readonly pending = new Map<string, PendingAck>();
  private open: WebSocket[] = [];
  private claimed = 0;
  private ticketCounter = 0;
  private port = 0;

  constructor(private readonly appId: string) {
    this.http = createServer((_req, res) => {
      res.writeHead(404).end();
    });
    this.http.on("upgrade", (req, socket, head) => this.upgrade(req, socket, head));
  }

  /** @internal used by startSocketModeServer */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(0, "127.0.0.1", () => resolve());
    });
    this.port = (this.http.address() as AddressInfo).port;
  }

  /** A one-time WebSocket URL, as apps.connections.open returns (ws:// here; Slack's are wss://). */
  issueUrl(): string {
    const ticket = String(++this.ticketCounter);
    this.tickets.add(ticket);
    return `ws://127.0.0.1:${this.port}/link?ticket=${ticket}`;
  }

  /**
   * Resolves with the connection number once connection `count` has received hello; by default the
   * next one not yet awaited, so successive calls follow reconnections.
   */
  connected(options: { count?: number; timeoutMs?: number } = {}): Promise<number> {
    const target = options.count ?? this.claimed + 1;
    this.claimed = Math.max(this.claimed, target);
    if (this.connectionCount >= target) return Promise.resolve(this.connectionCount);
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const onConnection = (count: number) => {
        if (count < target) return;
        clearTimeout(timer);
        this.events.off("connection", onConnection);
        resolve(count);
      };
      const timer = setTimeout(() => {
        this.events.off("connection", onConnection);
        reject(new Error(`Socket Mode: connection #${target} not made within ${timeoutMs} ms`));
      }, timeoutMs);
      this.events.on("connection", onConnection);
    });
  }

  /** Delivers an envelope on the newest open connection and resolves with the app's ack. */
  send(type: EnvelopeType, payload: unknown, options: EnvelopeOptions = {}): Promise<SocketModeAck> {
    const socket = this.open.at(-1);
    if (!socket) return Promise.reject(new Error("Socket Mode: no open connection to send on"));
    const envelopeId = randomUUID();
    const isEvent = type === "events_api";
    const envelope = {
      envelope_id: envelopeId,
      payload,
      type,
      accepts_response_payload: options.acceptsResponsePayload ?? acceptsResponsePayloadByDefault(type, payload),
      ...(isEvent || options.retryAttempt !== undefined
        ? { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryReason ?? "" }
        : {}),
    };
    const timeoutMs = options.timeoutMs ?? 3000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        reject(new Error(`Socket Mode: no ack for ${type} envelope within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(envelopeId, { resolve, reject, timer });
      socket.send(JSON.stringify(envelope));
    });
  }

  /** Asks every open connection to go away, as Slack does before recycling a host; resolves once they closed. */
  async requestDisconnect(reason = "refresh_requested"): Promise<void> {
    const closing = this.open.map(
      (socket) =>
        new Promise<void>((resolve) => {
          const grace = setTimeout(() => socket.terminate(), DISCONNECT_GRACE_MS);
          socket.once("close", () => {
            clearTimeout(grace);
            resolve();
          });
          socket.send(JSON.stringify({ type: "disconnect", reason, debug_info: { host: DEBUG_INFO.host } }));
        }),
    );
    await Promise.all(closing);
  }

  /** Drops every connection and stops listening; stop the Bolt app first or it will try to reconnect. */
  async close(): Promise<void> {
    for (const [envelopeId, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error(`Socket Mode: server closed before ack of ${envelopeId}`));
    }
    this.pending.clear();
    await Promise.all([...this.wss.clients].map(closeGracefully));
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const ticket = url.searchParams.get("ticket");
    if (url.pathname !== "/link" || ticket === null || !this.tickets.delete(ticket)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(socket: WebSocket): void {
    this.open.push(socket);
    socket.on("message", (data: RawData, isBinary: boolean) => {
      if (!isBinary) this.onMessage(data.toString());
    });
    const heartbeat = setInterval(() => socket.ping(), SERVER_PING_INTERVAL_MS).unref();
    socket.on("close", () => {
      clearInterval(heartbeat);
      this.open = this.open.filter((s) => s !== socket);
    });
    socket.on("error", () => socket.terminate());
    socket.send(
      JSON.stringify({
        type: "hello",
        num_connections: this.open.length,
        debug_info: DEBUG_INFO,
        connection_info: { app_id: this.appId },
      }),
    );
    // The pong to a ping sent after hello proves the client has processed hello (frames arrive in order),
    // so a test may stop the app right after connected() without racing the handshake.
    socket.once("pong", () => {
      this.connectionCount += 1;
      this.events.emit("connection", this.connectionCount);
    });
    socket.ping();
  }

  private onMessage(text: string): void {
    let ack: SocketModeAck;
    try {
      ack = JSON.parse(text) as SocketModeAck;
    } catch {
      return;
    }
    if (typeof ack.envelope_id !== "string") return;
    this.acks.push(ack);
    const pending = this.pending.get(ack.envelope_id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending.delete(ack.envelope_id);
    pending.resolve(ack);
  }
}

/** Completes the close handshake (a client that is shutting down would otherwise log a socket error), then forces it. */
function closeGracefully(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === socket.CLOSED) return resolve();
    const force = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
    socket.once("close", () => {
      clearTimeout(force);
      resolve();
    });
    if (socket.readyState === socket.OPEN) socket.close(1001, "server closing");
  });
}

/** Slack takes a reply from the ack for slash commands and for interactions that expect one (modals, options). */
function acceptsResponsePayloadByDefault(type: EnvelopeType, payload: unknown): boolean {
  if (type === "slash_commands") return true;
  const interaction = (payload as { type?: unknown } | null)?.type;
  if (type === "interactive") return interaction === "view_submission" || interaction === "block_suggestion";
  return false;
}
