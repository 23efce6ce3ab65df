import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Identity the fake answers with; the request builders in slack-requests.ts use the same values. */
export const FAKE_TEAM_ID = "T000TEST";
export const FAKE_TEAM_DOMAIN = "directions-test";
export const FAKE_BOT_USER_ID = "U0BOT";
export const FAKE_BOT_ID = "B0BOT";
export const FAKE_APP_ID = "A0TEST";

/** Arguments of one Web API call, as Slack would read them. */
export type SlackArgs = Record<string, unknown>;

/** A fault to inject into the next call of one method. */
export type Fault =
  /** HTTP 200 with `{ok:false, error}`: the platform refused the call. */
  | { error: string }
  /** A non-200 answer (500, 503, …); 429 adds `Retry-After` (default 1 s). */
  | { status: number; retryAfter?: number }
  /** The call takes effect, then the socket is destroyed before any answer: the "lost response". */
  | { dropAfterHandling: true }
  /** The socket is destroyed before the call takes effect. */
  | { dropBeforeHandling: true }
  /** The call is handled normally after a pause. */
  | { delayMs: number }
  /** The call is handled normally once `until` settles: Slack holds it for as long as the test needs (`arrived` is called when it comes in). */
  | { until: Promise<unknown>; arrived?: () => void };

export interface RecordedCall {
  method: string;
  args: SlackArgs;
  token: string | undefined;
  /** Arrival time (ms since epoch). */
  at: number;
  /** The injected fault this call consumed, if any. */
  fault?: Fault;
}

export interface SlackMessage {
  type: "message";
  ts: string;
  text?: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  team?: string;
  subtype?: string;
  thread_ts?: string;
  reply_count?: number;
  blocks?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  [key: string]: unknown;
}

export interface ResponseUrlPost {
  id: string;
  body: unknown;
  at: number;
}

/** A test-supplied answer for a method; return Slack's JSON body (with `ok`). */
export type MethodHandler = (args: SlackArgs, token: string) => Record<string, unknown>;

/** What apps.connections.open needs from a Socket Mode server. */
export interface SocketModeEndpoint {
  issueUrl(): string;
}

export interface FakeSlackOptions {
  /** The clock of message timestamps (ts), e.g. a test's fake clock (default: the real one). */
  now?: () => number;
  teamId?: string;
  botUserId?: string;
  botId?: string;
}

type Answer = Record<string, unknown>;
type BuiltIn = (args: SlackArgs) => Answer;

/** Arguments the WebClient sends as JSON strings inside the form; the record holds them parsed. */
const JSON_ARGS = new Set(["blocks", "attachments", "metadata", "unfurls", "view"]);
/** Slack lets one response_url be used this many times. */
const RESPONSE_URL_MAX_POSTS = 5;

/** Starts a fake Slack Web API on 127.0.0.1 so the real Bolt/WebClient code can run offline. */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const fake = new FakeSlack(options);
  await fake.listen();
  return fake;
}

export class FakeSlack {
  /** Every Web API call, once the fake has answered (or dropped) it. */
  readonly calls: RecordedCall[] = [];
  /** Every POST to a response_url, in order. */
  readonly responses: ResponseUrlPost[] = [];

  private readonly server: Server;
  private readonly events = new EventEmitter();
  private readonly faults = new Map<string, Fault[]>();
  private readonly handlers = new Map<string, MethodHandler>();
  private readonly history = new Map<string, SlackMessage[]>();
  private readonly responseUrlUses = new Map<string, number>();
  private readonly expiredResponseUrls = new Set<string>();
  private readonly redirectedResponseUrls = new Map<string, { location: string; status: number }>();
  private readonly builtIns: Record<string, BuiltIn>;
  /** Users' time zones for users.info (others answer with `UTC`). */
  private readonly userZones = new Map<string, string>();
  /** Channels the bot is not a member of, archived, or gone (every other channel: the bot is a member). */
  private readonly channelStates = new Map<string, "not-member" | "archived" | "deleted">();
  /** The Home tab view last published per user. */
  readonly homeViews = new Map<string, Record<string, unknown>>();
  private readonly teamId: string;
  private readonly botUserId: string;
  private readonly botId: string;
  private readonly now: () => number;
  private socketMode: SocketModeEndpoint | undefined;
  private lastTsMicros = 0n;
  private responseUrlCounter = 0;
  private port = 0;

  constructor(options: FakeSlackOptions) {
    this.now = options.now ?? Date.now;
    this.teamId = options.teamId ?? FAKE_TEAM_ID;
    this.botUserId = options.botUserId ?? FAKE_BOT_USER_ID;
    this.botId = options.botId ?? FAKE_BOT_ID;
    this.server = createServer((req, res) => void this.route(req, res));
    this.builtIns = {
      "auth.test": () => this.authTest(),
      "chat.postMessage": (args) => this.postMessage(args),
      "chat.postEphemeral": (args) => this.postEphemeral(args),
      "chat.update": (args) => this.update(args),
      "conversations.history": (args) => this.conversationsHistory(args),
      "conversations.replies": (args) => this.conversationsReplies(args),
      "apps.connections.open": () => this.connectionsOpen(),
      "users.info": (args) => this.usersInfo(args),
      "conversations.info": (args) => this.conversationsInfo(args),
      "views.publish": (args) => this.viewsPublish(args),
    };
  }

  /** Base URL for `clientOptions.slackApiUrl` / `SLACK_API_URL`; the WebClient appends the method name. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** @internal used by startFakeSlack */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Filters the record to one method, the usual assertion target. */
  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Queues a fault for the next call of `method` (one fault per call, first in first out). */
  failNext(method: string, fault: Fault): void {
    const queue = this.faults.get(method) ?? [];
    queue.push(fault);
    this.faults.set(method, queue);
  }

  /** Answers a method the fake does not model (or replaces a built-in one) for this test. */
  handle(method: string, handler: MethodHandler): void {
    this.handlers.set(method, handler);
  }

  /** users.info answers with this time zone for the user. */
  setUserTimeZone(user: string, timeZone: string): void {
    this.userZones.set(user, timeZone);
  }

  /**
   * What the bot finds in a channel from now on: a member (the default),
   * not a member (`not_in_channel`), archived (`is_archived`) or deleted
   * (`channel_not_found`); chat.postMessage and conversations.* answer so.
   */
  setChannelState(channel: string, state: "member" | "not-member" | "archived" | "deleted"): void {
    if (state === "member") this.channelStates.delete(channel);
    else this.channelStates.set(channel, state);
  }

  /** Lets apps.connections.open hand out the given Socket Mode server's URLs. */
  attachSocketMode(endpoint: SocketModeEndpoint): void {
    this.socketMode = endpoint;
  }

  /** Puts earlier messages in a channel, e.g. the bot's posts from a previous run. */
  seedHistory(channel: string, messages: Array<Partial<SlackMessage>>): void {
    for (const message of messages) {
      const ts = message.ts ?? this.nextTs();
      this.lastTsMicros = maxBig(this.lastTsMicros, parseTs(ts) ?? 0n);
      this.store(channel, { ...message, type: "message", ts });
    }
  }

  /** The stored history of a channel, oldest first, thread replies included. */
  messagesIn(channel: string): SlackMessage[] {
    return structuredClone(this.history.get(channel) ?? []);
  }

  /** A response_url served by this fake; posts to it land in `responses`. */
  responseUrl(id: string = `r${++this.responseUrlCounter}`): string {
    return `http://127.0.0.1:${this.port}/response/${id}`;
  }

  /** Makes later posts to that response_url fail as Slack does after 30 minutes. */
  expireResponseUrl(id: string): void {
    this.expiredResponseUrls.add(id);
  }

  /** Makes posts to that response_url answer with a redirect to `location` (307 keeps the POST, 302 turns it into a GET). */
  redirectResponseUrl(id: string, location: string, status = 307): void {
    this.redirectedResponseUrls.set(id, { location, status });
  }

  /** Resolves with the first call (already made or yet to come) that matches, for bots that post asynchronously. */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs = 3000): Promise<RecordedCall> {
    return this.waitIn(this.calls, "call", predicate, timeoutMs, "Web API call");
  }

  /** Resolves with the first response_url post that matches, for replies sent through respond(). */
  waitForResponse(predicate: (post: ResponseUrlPost) => boolean = () => true, timeoutMs = 3000): Promise<ResponseUrlPost> {
    return this.waitIn(this.responses, "response", predicate, timeoutMs, "response_url post");
  }

  /** Stops the server, cutting keep-alive connections so tests end promptly. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private waitIn<T>(list: T[], event: string, predicate: (item: T) => boolean, timeoutMs: number, what: string): Promise<T> {
    const found = list.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const onItem = (item: T) => {
        if (!predicate(item)) return;
        clearTimeout(timer);
        this.events.off(event, onItem);
        resolve(item);
      };
      const timer = setTimeout(() => {
        this.events.off(event, onItem);
        reject(new Error(`fake Slack: no matching ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.events.on(event, onItem);
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const body = await readBody(req);
    if (url.pathname.startsWith("/api/")) {
      await this.apiCall(url.pathname.slice("/api/".length), url, req, body, res);
    } else if (url.pathname.startsWith("/response/") && req.method === "POST") {
      this.responseUrlPost(url.pathname.slice("/response/".length), req, body, res);
    } else {
      sendJson(res, 404, { ok: false, error: "not_found" });
    }
  }

  private async apiCall(method: string, url: URL, req: IncomingMessage, body: string, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const parsed = parseArgs(req.headers["content-type"], body, url.searchParams);
    const args = parsed ?? {};
    const token = bearer(req.headers.authorization) ?? stringArg(args.token);
    const fault = this.faults.get(method)?.shift();
    const record = () => {
      const call: RecordedCall = { method, args, token, at, ...(fault ? { fault } : {}) };
      this.calls.push(call);
      this.events.emit("call", call);
    };

    if (fault && "delayMs" in fault) await sleep(fault.delayMs);
    if (fault && "until" in fault) {
      fault.arrived?.();
      await fault.until.catch(() => undefined);
    }
    if (fault && "dropBeforeHandling" in fault) {
      req.socket.destroy();
      record();
      return;
    }
    if (fault && "status" in fault) {
      const headers: Record<string, string> = {};
      if (fault.status === 429) headers["retry-after"] = String(fault.retryAfter ?? 1);
      const error = fault.status === 429 ? "ratelimited" : "internal_error";
      sendJson(res, fault.status, { ok: false, error }, headers);
      record();
      return;
    }
    if (fault && "error" in fault) {
      sendJson(res, 200, { ok: false, error: fault.error });
      record();
      return;
    }

    const answer = parsed === undefined ? { ok: false, error: "invalid_json" } : this.answer(method, args, token);
    if (fault && "dropAfterHandling" in fault) {
      req.socket.destroy();
    } else {
      sendJson(res, 200, answer);
    }
    record();
  }

  private answer(method: string, args: SlackArgs, token: string | undefined): Answer {
    const custom = this.handlers.get(method);
    const builtIn = this.builtIns[method];
    if (!custom && !builtIn) return { ok: false, error: "unknown_method", req_method: method };
    if (!token) return { ok: false, error: "not_authed" };
    const tokenError = checkTokenType(method, token);
    if (tokenError) return { ok: false, error: tokenError };
    return custom ? custom(args, token) : (builtIn as BuiltIn)(args);
  }

  private authTest(): Answer {
    return {
      ok: true,
      url: `https://${FAKE_TEAM_DOMAIN}.slack.com/`,
      team: "Directions Test",
      user: "directions",
      team_id: this.teamId,
      user_id: this.botUserId,
      bot_id: this.botId,
      is_enterprise_install: false,
    };
  }

  private postMessage(args: SlackArgs): Answer {
    const channel = stringArg(args.channel);
    if (!channel) return { ok: false, error: "channel_not_found" };
    const refused = this.channelError(channel);
    if (refused) return { ok: false, error: refused };
    const text = stringArg(args.text);
    if (text === undefined && args.blocks === undefined && args.attachments === undefined) {
      return { ok: false, error: "no_text" };
    }
    const threadTs = stringArg(args.thread_ts);
    const message: SlackMessage = {
      type: "message",
      text: text ?? "",
      user: this.botUserId,
      bot_id: this.botId,
      app_id: FAKE_APP_ID,
      team: this.teamId,
      ts: this.nextTs(),
      ...(args.blocks !== undefined ? { blocks: args.blocks as unknown[] } : {}),
      ...(args.metadata !== undefined ? { metadata: args.metadata as SlackMessage["metadata"] } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
    };
    this.store(channel, message);
    return { ok: true, channel, ts: message.ts, message: structuredClone(message) };
  }

  private postEphemeral(args: SlackArgs): Answer {
    if (!stringArg(args.channel)) return { ok: false, error: "channel_not_found" };
    if (!stringArg(args.user)) return { ok: false, error: "user_not_in_channel" };
    return { ok: true, message_ts: this.nextTs() };
  }

  private update(args: SlackArgs): Answer {
    const channel = stringArg(args.channel) ?? "";
    const message = this.history.get(channel)?.find((m) => m.ts === args.ts);
    if (!message) return { ok: false, error: "message_not_found" };
    if (message.user !== this.botUserId) return { ok: false, error: "cant_update_message" };
    if (args.text !== undefined) message.text = String(args.text);
    if (args.blocks !== undefined) message.blocks = args.blocks as unknown[];
    if (args.metadata !== undefined) message.metadata = args.metadata as SlackMessage["metadata"];
    message.edited = { user: this.botUserId, ts: this.nextTs() };
    return { ok: true, channel, ts: message.ts, text: message.text, message: structuredClone(message) };
  }

  private conversationsHistory(args: SlackArgs): Answer {
    const channel = stringArg(args.channel);
    if (!channel) return { ok: false, error: "channel_not_found" };
    // An archived channel's history can still be read; the others refuse as chat.postMessage does.
    const refused = this.channelStates.get(channel) === "archived" ? undefined : this.channelError(channel);
    if (refused) return { ok: false, error: refused };
    const inclusive = isTrue(args.inclusive);
    const oldest = parseTs(stringArg(args.oldest) ?? "0");
    if (oldest === undefined) return { ok: false, error: "invalid_ts_oldest" };
    const cursor = stringArg(args.cursor);
    const latestArg = stringArg(args.latest);
    const latest = cursor ? decodeCursor(cursor) : latestArg === undefined ? undefined : parseTs(latestArg);
    if (cursor && latest === undefined) return { ok: false, error: "invalid_cursor" };
    if (latestArg !== undefined && latest === undefined) return { ok: false, error: "invalid_ts_latest" };
    const latestInclusive = inclusive && !cursor;
    const limit = clamp(Number.parseInt(stringArg(args.limit) ?? "100", 10) || 100, 1, 999);

    const inRange = (this.history.get(channel) ?? [])
      .filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts)
      .filter((m) => {
        const ts = parseTs(m.ts) ?? 0n;
        const afterOldest = inclusive ? ts >= oldest : ts > oldest;
        const beforeLatest = latest === undefined || (latestInclusive ? ts <= latest : ts < latest);
        return afterOldest && beforeLatest;
      })
      .reverse();
    const page = inRange.slice(0, limit);
    const hasMore = inRange.length > limit;
    const last = page.at(-1);
    return {
      ok: true,
      messages: page.map((m) => this.present(m, args)),
      has_more: hasMore,
      ...(hasMore && last ? { response_metadata: { next_cursor: encodeCursor(last.ts) } } : {}),
    };
  }

  private conversationsReplies(args: SlackArgs): Answer {
    const channel = stringArg(args.channel) ?? "";
    const ts = stringArg(args.ts);
    const messages = this.history.get(channel) ?? [];
    if (!ts || !messages.some((m) => m.ts === ts)) return { ok: false, error: "thread_not_found" };
    const thread = messages.filter((m) => m.ts === ts || m.thread_ts === ts);
    return { ok: true, messages: thread.map((m) => this.present(m, args)), has_more: false };
  }

  /** Why the bot cannot post in the channel, as Slack says it, if it cannot. */
  private channelError(channel: string): string | undefined {
    const state = this.channelStates.get(channel);
    if (state === "not-member") return "not_in_channel";
    if (state === "archived") return "is_archived";
    if (state === "deleted") return "channel_not_found";
    return undefined;
  }

  private usersInfo(args: SlackArgs): Answer {
    const user = stringArg(args.user);
    if (!user || !/^[UW][A-Z0-9]+$/.test(user)) return { ok: false, error: "user_not_found" };
    const tz = this.userZones.get(user) ?? "UTC";
    return { ok: true, user: { id: user, team_id: this.teamId, name: user.toLowerCase(), tz, is_bot: false } };
  }

  private conversationsInfo(args: SlackArgs): Answer {
    const channel = stringArg(args.channel);
    const state = channel ? this.channelStates.get(channel) : "deleted";
    if (!channel || state === "deleted") return { ok: false, error: "channel_not_found" };
    return {
      ok: true,
      channel: { id: channel, name: channel.toLowerCase(), is_channel: channel.startsWith("C"), is_private: channel.startsWith("G"), is_archived: state === "archived", is_member: state === undefined },
    };
  }

  private viewsPublish(args: SlackArgs): Answer {
    const user = stringArg(args.user_id);
    const view = args.view as Record<string, unknown> | undefined;
    if (!user) return { ok: false, error: "user_not_found" };
    if (!view || view.type !== "home" || !Array.isArray(view.blocks)) return { ok: false, error: "invalid_arguments" };
    if (view.blocks.length > 100) return { ok: false, error: "invalid_arguments", response_metadata: { messages: ["[ERROR] must provide no more than 100 items [json-pointer:/view/blocks]"] } };
    this.homeViews.set(user, view);
    return { ok: true, view: { id: `V${this.homeViews.size}`, ...view } };
  }

  private connectionsOpen(): Answer {
    if (!this.socketMode) return { ok: false, error: "unknown_method", req_method: "apps.connections.open" };
    return { ok: true, url: this.socketMode.issueUrl() };
  }

  /** Slack returns metadata only when asked with include_all_metadata. */
  private present(message: SlackMessage, args: SlackArgs): SlackMessage {
    const copy = structuredClone(message);
    if (!isTrue(args.include_all_metadata)) delete copy.metadata;
    return copy;
  }

  private store(channel: string, message: SlackMessage): void {
    const messages = this.history.get(channel) ?? [];
    if (message.thread_ts !== undefined && message.thread_ts !== message.ts) {
      const parent = messages.find((m) => m.ts === message.thread_ts);
      if (parent) {
        parent.thread_ts = parent.ts;
        parent.reply_count = (parent.reply_count ?? 0) + 1;
      }
    }
    messages.push(message);
    messages.sort((a, b) => compareBig(parseTs(a.ts) ?? 0n, parseTs(b.ts) ?? 0n));
    this.history.set(channel, messages);
  }

  /** Slack-style ts from the clock, strictly increasing so every message is unique. */
  private nextTs(): string {
    const now = BigInt(Math.floor(this.now())) * 1000n;
    this.lastTsMicros = now > this.lastTsMicros ? now : this.lastTsMicros + 1n;
    const micros = this.lastTsMicros;
    return `${micros / 1_000_000n}.${(micros % 1_000_000n).toString().padStart(6, "0")}`;
  }

  private responseUrlPost(id: string, req: IncomingMessage, body: string, res: ServerResponse): void {
    const uses = (this.responseUrlUses.get(id) ?? 0) + 1;
    this.responseUrlUses.set(id, uses);
    const redirect = this.redirectedResponseUrls.get(id);
    if (redirect !== undefined) {
      res.writeHead(redirect.status, { location: redirect.location }).end();
      return;
    }
    if (this.expiredResponseUrls.has(id)) {
      sendJson(res, 404, { ok: false, error: "expired_url" });
      return;
    }
    if (uses > RESPONSE_URL_MAX_POSTS) {
      sendJson(res, 404, { ok: false, error: "used_url" });
      return;
    }
    const post: ResponseUrlPost = { id, body: parseResponseBody(req.headers["content-type"], body), at: Date.now() };
    this.responses.push(post);
    this.events.emit("response", post);
    sendJson(res, 200, { ok: true });
  }
}

/** Slack refuses an app-level token for Web API methods, and a bot/user token for apps.connections.open. */
function checkTokenType(method: string, token: string): string | undefined {
  const isAppToken = token.startsWith("xapp-");
  if (!isAppToken && !/^xox[bp]-/.test(token)) return "invalid_auth";
  const wantsAppToken = method === "apps.connections.open";
  return isAppToken === wantsAppToken ? undefined : "not_allowed_token_type";
}

function parseArgs(contentType: string | undefined, body: string, query: URLSearchParams): SlackArgs | undefined {
  const args: SlackArgs = Object.fromEntries(query);
  if (body === "") return args;
  if (contentType?.includes("application/json")) {
    try {
      return { ...args, ...(JSON.parse(body) as SlackArgs) };
    } catch {
      return undefined;
    }
  }
  for (const [key, value] of new URLSearchParams(body)) {
    args[key] = JSON_ARGS.has(key) ? parseJsonOr(value) : value;
  }
  return args;
}

function parseResponseBody(contentType: string | undefined, body: string): unknown {
  return contentType?.includes("application/json") ? parseJsonOr(body) : body;
}

function parseJsonOr(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match?.[1];
}

function stringArg(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function isTrue(value: unknown): boolean {
  return value === true || value === "true" || value === "1" || value === 1;
}

/** Exact ts comparison: "1700000000.000100" does not fit a double without rounding. */
function parseTs(ts: string): bigint | undefined {
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(ts);
  if (!match) return undefined;
  return BigInt(match[1] as string) * 1_000_000n + BigInt((match[2] ?? "").padEnd(6, "0"));
}

/** Slack's history cursors are base64 of "next_ts:<ts without dot>". */
function encodeCursor(ts: string): string {
  return Buffer.from(`next_ts:${parseTs(ts) ?? 0n}`).toString("base64");
}

function decodeCursor(cursor: string): bigint | undefined {
  const match = /^next_ts:(\d{7,})$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  return match ? BigInt(match[1] as string) : undefined;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
