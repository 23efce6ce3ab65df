import { createHmac, randomBytes } from "node:crypto";
import { FAKE_APP_ID, FAKE_BOT_ID, FAKE_BOT_USER_ID, FAKE_TEAM_DOMAIN, FAKE_TEAM_ID } from "./fake-slack.js";

export const TEST_USER_ID = "U0HUMAN";
export const TEST_USER_NAME = "ada";
export const TEST_CHANNEL_ID = "C0TEST";
export const TEST_CHANNEL_NAME = "research";
/** The deprecated verification token Slack still puts in payloads; Bolt ignores it. */
const VERIFICATION_TOKEN = "vErIfIcAtIoNtOkEn";
/**
 * Not a Slack response_url, so the app ignores a request carrying it (tests that want an answer pass the
 * fake Slack's); and it refuses connections at once: the default must never reach the internet.
 */
const UNREACHABLE_RESPONSE_URL = "http://127.0.0.1:1/commands/unset";

export interface SignedHeaders {
  "X-Slack-Request-Timestamp": string;
  "X-Slack-Signature": string;
}

/** How to spoil a request, to check that the receiver rejects it. */
export interface SigningOptions {
  /** Sign with the wrong secret. */
  badSignature?: boolean;
  /** Use a timestamp ten minutes old (Bolt rejects anything older than five). */
  stale?: boolean;
}

export interface SlackHttpResponse {
  status: number;
  /** Parsed JSON when the answer is JSON, else the raw text ("" for a bare ack). */
  body: unknown;
}

/** A type alias (not an interface) so it fits `Record<string, unknown>` payload parameters. */
export type SlashCommandFields = {
  token: string;
  team_id: string;
  team_domain: string;
  channel_id: string;
  channel_name: string;
  user_id: string;
  user_name: string;
  command: string;
  text: string;
  api_app_id: string;
  is_enterprise_install: string;
  response_url: string;
  trigger_id: string;
};

export interface EventOptions {
  eventId?: string;
  eventTime?: number;
}

export interface BlockActionOptions {
  actionId: string;
  value?: string;
  blockId?: string;
  user?: string;
  channel?: string;
  responseUrl: string;
  /** The message holding the button; without it the button sat in an ephemeral message (Slack then sends no `message`). */
  message?: Record<string, unknown>;
}

export interface MessageEventOptions {
  text: string;
  user?: string;
  channel?: string;
  ts?: string;
  thread_ts?: string;
}

let idCounter = 0;

/** Slack's v0 signature, so requests pass the receiver's real verification. */
export function sign(signingSecret: string, body: string, timestamp: number = nowSeconds()): SignedHeaders {
  const digest = createHmac("sha256", signingSecret).update(`v0:${timestamp}:${body}`).digest("hex");
  return { "X-Slack-Request-Timestamp": String(timestamp), "X-Slack-Signature": `v0=${digest}` };
}

/** A slash command's fields as Slack sends them (form fields over HTTP, the payload object in Socket Mode). */
export function slashCommandPayload(fields: Partial<SlashCommandFields> = {}): SlashCommandFields {
  return {
    token: VERIFICATION_TOKEN,
    team_id: FAKE_TEAM_ID,
    team_domain: FAKE_TEAM_DOMAIN,
    channel_id: TEST_CHANNEL_ID,
    channel_name: TEST_CHANNEL_NAME,
    user_id: TEST_USER_ID,
    user_name: TEST_USER_NAME,
    command: "/directions",
    text: "",
    api_app_id: FAKE_APP_ID,
    is_enterprise_install: "false",
    response_url: UNREACHABLE_RESPONSE_URL,
    trigger_id: `${Date.now()}.${++idCounter}.${randomBytes(8).toString("hex")}`,
    ...fields,
  };
}

/** The event_callback envelope Slack wraps every Events API event in. */
export function eventCallback(event: Record<string, unknown>, options: EventOptions = {}): Record<string, unknown> {
  return {
    token: VERIFICATION_TOKEN,
    team_id: FAKE_TEAM_ID,
    context_team_id: FAKE_TEAM_ID,
    context_enterprise_id: null,
    api_app_id: FAKE_APP_ID,
    event,
    type: "event_callback",
    event_id: options.eventId ?? `Ev${String(++idCounter).padStart(9, "0")}`,
    event_time: options.eventTime ?? nowSeconds(),
    authorizations: [
      { enterprise_id: null, team_id: FAKE_TEAM_ID, user_id: FAKE_BOT_USER_ID, is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(12).toString("base64url")}`,
  };
}

/** A block_actions interaction payload for a button click. */
export function blockActionsPayload(options: BlockActionOptions): Record<string, unknown> {
  const user = options.user ?? TEST_USER_ID;
  const channel = options.channel ?? TEST_CHANNEL_ID;
  const ts = nowTs();
  const messageTs = typeof options.message?.ts === "string" ? options.message.ts : ts;
  return {
    type: "block_actions",
    user: { id: user, username: TEST_USER_NAME, name: TEST_USER_NAME, team_id: FAKE_TEAM_ID },
    api_app_id: FAKE_APP_ID,
    token: VERIFICATION_TOKEN,
    container: { type: "message", message_ts: messageTs, channel_id: channel, is_ephemeral: options.message === undefined },
    trigger_id: `${Date.now()}.${++idCounter}.${randomBytes(8).toString("hex")}`,
    team: { id: FAKE_TEAM_ID, domain: FAKE_TEAM_DOMAIN },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: TEST_CHANNEL_NAME },
    ...(options.message ? { message: options.message } : {}),
    state: { values: {} },
    response_url: options.responseUrl,
    actions: [
      {
        action_id: options.actionId,
        block_id: options.blockId ?? "actions",
        text: { type: "plain_text", text: "Button", emoji: true },
        ...(options.value !== undefined ? { value: options.value } : {}),
        type: "button",
        action_ts: ts,
      },
    ],
  };
}

/** An app_mention event; `text` should contain `<@U0BOT>` as Slack's does. */
export function appMention(options: MessageEventOptions): Record<string, unknown> {
  const ts = options.ts ?? nowTs();
  return {
    type: "app_mention",
    user: options.user ?? TEST_USER_ID,
    text: options.text,
    ts,
    ...(options.thread_ts ? { thread_ts: options.thread_ts } : {}),
    team: FAKE_TEAM_ID,
    channel: options.channel ?? TEST_CHANNEL_ID,
    event_ts: ts,
    client_msg_id: randomBytes(16).toString("hex"),
  };
}

/** An app_home_opened event: `user` opened the app's Home tab (or its Messages tab). */
export function appHomeOpened(options: { user?: string; tab?: "home" | "messages" } = {}): Record<string, unknown> {
  return {
    type: "app_home_opened",
    user: options.user ?? TEST_USER_ID,
    channel: "D0HOME",
    tab: options.tab ?? "home",
    event_ts: nowTs(),
  };
}

/** A message event for the bot's own post, which Bolt's ignoreSelf must drop (it matches `user` to the bot user). */
export function botMessage(options: Omit<MessageEventOptions, "user">): Record<string, unknown> {
  const ts = options.ts ?? nowTs();
  return {
    type: "message",
    text: options.text,
    user: FAKE_BOT_USER_ID,
    bot_id: FAKE_BOT_ID,
    app_id: FAKE_APP_ID,
    bot_profile: { id: FAKE_BOT_ID, app_id: FAKE_APP_ID, name: "directions", team_id: FAKE_TEAM_ID, deleted: false },
    ts,
    ...(options.thread_ts ? { thread_ts: options.thread_ts } : {}),
    team: FAKE_TEAM_ID,
    channel: options.channel ?? TEST_CHANNEL_ID,
    event_ts: ts,
    channel_type: "channel",
  };
}

/** Posts a signed slash command to a Bolt HTTP receiver, form-encoded as Slack does. */
export function postSlashCommand(
  baseUrl: string,
  secret: string,
  fields: Partial<SlashCommandFields> = {},
  signing: SigningOptions = {},
): Promise<SlackHttpResponse> {
  const body = new URLSearchParams({ ...slashCommandPayload(fields) }).toString();
  return postSigned(baseUrl, secret, body, "application/x-www-form-urlencoded", signing);
}

/** Posts a signed Events API delivery; retryNum/retryReason add Slack's redelivery headers. */
export function postEvent(
  baseUrl: string,
  secret: string,
  event: Record<string, unknown>,
  options: EventOptions & SigningOptions & { retryNum?: number; retryReason?: string } = {},
): Promise<SlackHttpResponse> {
  const body = JSON.stringify(eventCallback(event, options));
  const headers: Record<string, string> = {};
  if (options.retryNum !== undefined) headers["X-Slack-Retry-Num"] = String(options.retryNum);
  if (options.retryReason !== undefined) headers["X-Slack-Retry-Reason"] = options.retryReason;
  return postSigned(baseUrl, secret, body, "application/json", options, headers);
}

/** Posts the url_verification handshake Slack sends when the Request URL is configured. */
export function postUrlVerification(
  baseUrl: string,
  secret: string,
  challenge: string,
  signing: SigningOptions = {},
): Promise<SlackHttpResponse> {
  const body = JSON.stringify({ token: VERIFICATION_TOKEN, challenge, type: "url_verification" });
  return postSigned(baseUrl, secret, body, "application/json", signing);
}

/** Posts a signed button click, form-encoded as `payload=<json>` as Slack does. */
export function postBlockAction(
  baseUrl: string,
  secret: string,
  options: BlockActionOptions,
  signing: SigningOptions = {},
): Promise<SlackHttpResponse> {
  const body = new URLSearchParams({ payload: JSON.stringify(blockActionsPayload(options)) }).toString();
  return postSigned(baseUrl, secret, body, "application/x-www-form-urlencoded", signing);
}

/** Posts any body, signed (or spoilt as `signing` says), to a Bolt HTTP receiver: also bodies Slack never sends. */
export async function postSigned(
  baseUrl: string,
  secret: string,
  body: string,
  contentType: string,
  signing: SigningOptions = {},
  extraHeaders: Record<string, string> = {},
): Promise<SlackHttpResponse> {
  const timestamp = signing.stale ? nowSeconds() - 600 : nowSeconds();
  const signed = sign(signing.badSignature ? `${secret}-wrong` : secret, body, timestamp);
  const response = await fetch(`${baseUrl.replace(/\/$/, "")}/slack/events`, {
    method: "POST",
    headers: { "Content-Type": contentType, ...signed, ...extraHeaders },
    body,
  });
  const text = await response.text();
  const isJson = response.headers.get("content-type")?.includes("application/json") ?? false;
  return { status: response.status, body: isJson && text !== "" ? (JSON.parse(text) as unknown) : text };
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** A ts for a message the user "just" sent, unique within the run. */
function nowTs(): string {
  return `${nowSeconds()}.${String(++idCounter).padStart(6, "0")}`;
}
