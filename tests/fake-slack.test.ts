import { App, LogLevel, SocketModeReceiver, webApi } from "@slack/bolt";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FAKE_BOT_USER_ID, startFakeSlack, type FakeSlack } from "./support/fake-slack.js";
import {
  appMention,
  botMessage,
  eventCallback,
  postBlockAction,
  postEvent,
  postSlashCommand,
  postUrlVerification,
  slashCommandPayload,
  TEST_CHANNEL_ID,
} from "./support/slack-requests.js";
import { startSocketModeServer, type SocketModeServer } from "./support/socket-mode-server.js";

const SECRET = "test-signing-secret";
const METADATA = { event_type: "directions_post", event_payload: { week: "2024-W10" } };

let fake: FakeSlack;
let cleanups: Array<() => Promise<unknown>>;

beforeEach(async () => {
  fake = await startFakeSlack();
  cleanups = [];
});

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await fake.close();
});

function client(token = "xoxb-test"): InstanceType<typeof webApi.WebClient> {
  return new webApi.WebClient(token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
}

describe("fake Web API with the real WebClient", () => {
  it("stores a post with blocks and metadata and returns it from history only with include_all_metadata", async () => {
    const blocks = [{ type: "section", text: { type: "mrkdwn", text: "*hi*" } }];
    const posted = await client().chat.postMessage({ channel: "C1", text: "hi", blocks, metadata: METADATA });

    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(posted.message).toMatchObject({ text: "hi", user: FAKE_BOT_USER_ID, bot_id: "B0BOT", blocks });
    const call = fake.callsTo("chat.postMessage")[0];
    expect(call?.token).toBe("xoxb-test");
    expect(call?.args).toMatchObject({ channel: "C1", blocks, metadata: METADATA });

    const withMeta = await client().conversations.history({ channel: "C1", include_all_metadata: true });
    expect(withMeta.messages?.[0]).toMatchObject({ ts: posted.ts, text: "hi", blocks, metadata: METADATA });
    const without = await client().conversations.history({ channel: "C1" });
    expect(without.messages?.[0]).not.toHaveProperty("metadata");
  });

  it("pages history newest first and honours oldest/latest", async () => {
    fake.seedHistory("C1", [{ ts: "1700000000.000100", text: "a" }, { ts: "1700000100.000100", text: "b" }]);
    const third = await client().chat.postMessage({ channel: "C1", text: "c" });

    const page = await client().conversations.history({ channel: "C1", limit: 2 });
    expect(page.messages?.map((m) => m.text)).toEqual(["c", "b"]);
    expect(page.has_more).toBe(true);
    const next = await client().conversations.history({ channel: "C1", limit: 2, cursor: page.response_metadata?.next_cursor });
    expect(next.messages?.map((m) => m.text)).toEqual(["a"]);
    expect(next.has_more).toBe(false);

    const window = await client().conversations.history({ channel: "C1", oldest: "1700000000.000100", latest: third.ts });
    expect(window.messages?.map((m) => m.text)).toEqual(["b"]);
  });

  it("keeps thread replies out of history and in conversations.replies", async () => {
    const parent = await client().chat.postMessage({ channel: "C1", text: "parent" });
    await client().chat.postMessage({ channel: "C1", text: "reply", thread_ts: parent.ts });

    const history = await client().conversations.history({ channel: "C1" });
    expect(history.messages?.map((m) => [m.text, m.reply_count])).toEqual([["parent", 1]]);
    const replies = await client().conversations.replies({ channel: "C1", ts: parent.ts as string });
    expect(replies.messages?.map((m) => m.text)).toEqual(["parent", "reply"]);
  });

  it("surfaces a queued ok:false as the client's platform error, then answers normally", async () => {
    fake.failNext("chat.postMessage", { error: "channel_not_found" });

    await expect(client().chat.postMessage({ channel: "C1", text: "x" })).rejects.toMatchObject({
      code: webApi.ErrorCode.PlatformError,
      data: { ok: false, error: "channel_not_found" },
    });
    await expect(client().chat.postMessage({ channel: "C1", text: "x" })).resolves.toMatchObject({ ok: true });
  });

  it("stores the message but fails the call when the response is lost", async () => {
    fake.failNext("chat.postMessage", { dropAfterHandling: true });

    await expect(client().chat.postMessage({ channel: "C1", text: "once" })).rejects.toMatchObject({
      code: webApi.ErrorCode.RequestError,
    });
    expect(fake.messagesIn("C1").map((m) => m.text)).toEqual(["once"]);
    expect(fake.callsTo("chat.postMessage")[0]?.fault).toEqual({ dropAfterHandling: true });
  });

  it("does not store the message when the request is dropped before handling", async () => {
    fake.failNext("chat.postMessage", { dropBeforeHandling: true });

    await expect(client().chat.postMessage({ channel: "C1", text: "lost" })).rejects.toMatchObject({
      code: webApi.ErrorCode.RequestError,
    });
    expect(fake.messagesIn("C1")).toEqual([]);
  });

  it("answers 5xx as an HTTP error and 429 with Retry-After", async () => {
    fake.failNext("chat.postMessage", { status: 503 });
    fake.failNext("chat.postMessage", { status: 429, retryAfter: 7 });

    await expect(client().chat.postMessage({ channel: "C1", text: "x" })).rejects.toMatchObject({
      code: webApi.ErrorCode.HTTPError,
      statusCode: 503,
    });
    const strict = new webApi.WebClient("xoxb-test", { slackApiUrl: fake.apiUrl, rejectRateLimitedCalls: true });
    await expect(strict.chat.postMessage({ channel: "C1", text: "x" })).rejects.toMatchObject({
      code: webApi.ErrorCode.RateLimitedError,
      retryAfter: 7,
    });
  });

  it("checks tokens as Slack does", async () => {
    await expect(client("").auth.test()).rejects.toMatchObject({ data: { error: "not_authed" } });
    await expect(client("xapp-test").chat.postMessage({ channel: "C1", text: "x" })).rejects.toMatchObject({
      data: { error: "not_allowed_token_type" },
    });
    await expect(client().apiCall("nope.nothing")).rejects.toMatchObject({ data: { error: "unknown_method" } });
  });

  it("waits for a call that has not happened yet", async () => {
    const waiting = fake.waitFor((call) => call.method === "chat.postMessage" && call.args.text === "later");
    setTimeout(() => void client().chat.postMessage({ channel: "C1", text: "later" }), 20);

    await expect(waiting).resolves.toMatchObject({ args: { channel: "C1" } });
  });

  it("serves response_urls: records posts, then expired_url or used_url with 404, or a redirect", async () => {
    const url = fake.responseUrl("cmd1");
    const postTo = (target: string) =>
      fetch(target, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"text":"hi"}' });

    for (let i = 0; i < 5; i++) expect((await postTo(url)).status).toBe(200);
    const sixth = await postTo(url);
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: "used_url" });
    expect(fake.responses).toHaveLength(5);
    expect(fake.responses[0]).toMatchObject({ id: "cmd1", body: { text: "hi" } });

    const other = fake.responseUrl();
    fake.expireResponseUrl(other.split("/").at(-1) as string);
    const expired = await postTo(other);
    expect(expired.status).toBe(404);
    expect(await expired.json()).toEqual({ ok: false, error: "expired_url" });

    fake.redirectResponseUrl("moved", "http://127.0.0.1:1/elsewhere", 302);
    const moved = await fetch(fake.responseUrl("moved"), { method: "POST", body: "{}", redirect: "manual" });
    expect(moved.status).toBe(302);
    expect(moved.headers.get("location")).toBe("http://127.0.0.1:1/elsewhere");
    expect(fake.responses.map((p) => p.id)).not.toContain("moved");
  });
});

describe("real Bolt app in Socket Mode against the local server", () => {
  let socket: SocketModeServer;

  beforeEach(async () => {
    socket = await startSocketModeServer();
    fake.attachSocketMode(socket);
    cleanups.push(() => socket.close());
  });

  /** A Bolt app in Socket Mode whose Web API and apps.connections.open calls go to the fake. */
  function socketModeApp(): App {
    return new App({
      token: "xoxb-test",
      appToken: "xapp-test",
      socketMode: true,
      clientOptions: { slackApiUrl: fake.apiUrl },
      installerOptions: { clientOptions: { slackApiUrl: fake.apiUrl } },
      logLevel: LogLevel.ERROR,
    });
  }

  async function startApp(app: App): Promise<void> {
    await app.start();
    cleanups.push(() => app.stop());
    await socket.connected();
  }

  it("delivers a slash command envelope and returns the ack's payload", async () => {
    const app = socketModeApp();
    app.command("/directions", async ({ ack }) => ack("pong"));
    await startApp(app);

    const ack = await socket.send("slash_commands", slashCommandPayload({ text: "ping" }));

    expect(ack.payload).toEqual({ text: "pong" });
    expect(fake.callsTo("apps.connections.open")[0]?.token).toBe("xapp-test");
  });

  it("delivers an Events API envelope; the handler posts through the fake", async () => {
    const app = socketModeApp();
    const seen: string[] = [];
    app.event("app_mention", async ({ event, say }) => {
      await say({ text: `hello <@${event.user}>`, thread_ts: event.ts });
    });
    app.message(async ({ message }) => {
      seen.push(message.ts);
    });
    await startApp(app);

    const mention = appMention({ text: `<@${FAKE_BOT_USER_ID}> directions?` });
    const ack = await socket.send("events_api", eventCallback(mention), { retryAttempt: 1, retryReason: "timeout" });
    expect(ack.payload).toEqual({});
    const post = await fake.waitFor((call) => call.method === "chat.postMessage");
    expect(post.args).toMatchObject({ channel: TEST_CHANNEL_ID, thread_ts: mention.ts });

    await socket.send("events_api", eventCallback(botMessage({ text: "my own post" })));
    expect(seen).toEqual([]);
  });

  it("reconnects through apps.connections.open after a disconnect request and keeps answering", async () => {
    // Bolt's own SocketModeReceiver waits clientPingTimeout (5 s by default) before reconnecting.
    const receiver = new SocketModeReceiver({
      appToken: "xapp-test",
      clientPingTimeout: 300,
      installerOptions: { clientOptions: { slackApiUrl: fake.apiUrl } },
      logLevel: LogLevel.ERROR,
    });
    const app = new App({ token: "xoxb-test", receiver, clientOptions: { slackApiUrl: fake.apiUrl }, logLevel: LogLevel.ERROR });
    app.command("/directions", async ({ ack }) => ack({ response_type: "ephemeral", text: "still here" }));
    await startApp(app);

    await socket.requestDisconnect();
    await socket.connected();

    expect(socket.connectionCount).toBe(2);
    expect(fake.callsTo("apps.connections.open")).toHaveLength(2);
    const ack = await socket.send("slash_commands", slashCommandPayload());
    expect(ack.payload).toEqual({ response_type: "ephemeral", text: "still here" });
  });
});

describe("signed HTTP requests against a real Bolt HTTP receiver", () => {
  let baseUrl: string;
  let app: App;

  beforeEach(async () => {
    app = new App({ token: "xoxb-test", signingSecret: SECRET, clientOptions: { slackApiUrl: fake.apiUrl }, logLevel: LogLevel.ERROR });
    const server = (await app.start({ port: 0, host: "127.0.0.1" })) as Server;
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cleanups.push(() => app.stop());
  });

  it("passes signature verification and returns the ack body; rejects bad or stale signatures", async () => {
    app.command("/directions", async ({ command, ack }) => ack({ response_type: "ephemeral", text: `q=${command.text}` }));

    const ok = await postSlashCommand(baseUrl, SECRET, { text: "memory" });
    expect(ok).toEqual({ status: 200, body: { response_type: "ephemeral", text: "q=memory" } });
    expect((await postSlashCommand(baseUrl, SECRET, {}, { badSignature: true })).status).toBe(401);
    expect((await postSlashCommand(baseUrl, SECRET, {}, { stale: true })).status).toBe(401);
  });

  it("answers url_verification and passes retry headers to the context", async () => {
    const retries: Array<number | undefined> = [];
    app.event("app_mention", async ({ context }) => {
      retries.push(context.retryNum);
    });

    expect((await postUrlVerification(baseUrl, SECRET, "chal-123")).body).toEqual({ challenge: "chal-123" });
    const delivered = await postEvent(baseUrl, SECRET, appMention({ text: "<@U0BOT> hi" }), { retryNum: 2, retryReason: "timeout" });
    expect(delivered.status).toBe(200);
    expect(retries).toEqual([2]);
  });

  it("routes a button click whose respond() lands on the fake response_url, and fails on an expired one", async () => {
    const errors: unknown[] = [];
    app.action("more", async ({ ack, respond }) => {
      await ack();
      await respond({ replace_original: false, text: "more results" }).catch((error: unknown) => errors.push(error));
    });

    await postBlockAction(baseUrl, SECRET, { actionId: "more", value: "page-2", responseUrl: fake.responseUrl("b1") });
    expect((await fake.waitForResponse((post) => post.id === "b1")).body).toEqual({ replace_original: false, text: "more results" });

    fake.expireResponseUrl("b2");
    await postBlockAction(baseUrl, SECRET, { actionId: "more", responseUrl: fake.responseUrl("b2") });
    await expect.poll(() => errors.length).toBe(1);
    expect(errors[0]).toMatchObject({ code: "slack_bolt_respond_error", statusCode: 404 });
  });
});
