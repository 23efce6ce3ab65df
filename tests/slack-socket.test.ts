/**
 * The real app in Socket Mode: apps.connections.open through SLACK_API_URL
 * (the fake), hello, a slash command, events, and a disconnect asking for a
 * refresh, after which the app reconnects and keeps answering.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LogLevel } from "@slack/bolt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSlackApp } from "../src/app.js";
import { ConfigError } from "../src/config.js";
import { messageLimitProblems, type SlackMessage } from "../src/slack/block-kit.js";
import {
  APP_TOKEN,
  BOT_TOKEN,
  buttons,
  captureLogs,
  realSearch,
  startSocketHarness,
  visibleText,
  type ReplyLike,
  type SocketHarness,
} from "./support/app-harness.js";
import { FAKE_BOT_USER_ID } from "./support/fake-slack.js";
import { startForeignServer } from "./support/foreign-server.js";
import { appHomeOpened, appMention, blockActionsPayload, eventCallback, slashCommandPayload, TEST_CHANNEL_ID, TEST_USER_ID } from "./support/slack-requests.js";
import { WeeklyChannels } from "../src/weekly/channels.js";
import { DirectionOfTheWeek } from "../src/weekly/direction-post.js";
import { openTempStore, tempDir } from "./support/weekly-fixtures.js";

let h: SocketHarness;

/** A slash command whose response_url is the fake Slack's, as Slack's own would be. */
function command(text: string): Record<string, unknown> {
  return slashCommandPayload({ text, response_url: h.fake.responseUrl() });
}

beforeEach(async () => {
  h = await startSocketHarness();
});

afterEach(async () => {
  await h.stop();
});

describe("Socket Mode", () => {
  it("connects with the app-level token through SLACK_API_URL and answers /directions in the ack", async () => {
    expect(h.fake.callsTo("apps.connections.open").map((c) => c.token)).toEqual([APP_TOKEN]);
    expect(h.lines.some((l) => l.includes("Connected to Slack (Socket Mode)"))).toBe(true);

    const ack = await h.socket.send("slash_commands", command("compression"));
    const reply = ack.payload as ReplyLike;
    expect(reply.response_type).toBe("ephemeral");
    expect(visibleText(reply)).toMatch(/模型压缩|蒸馏/);
    expect(Object.keys(buttons(reply))).toContain("directions_share");
    expect(messageLimitProblems(reply as SlackMessage)).toEqual([]);

    const chinese = (await h.socket.send("slash_commands", command("数据标注太贵怎么办?"))).payload as ReplyLike;
    expect(visibleText(chinese)).toContain("标注");
  });

  it("answers a mention in its thread, once, even when Slack retries the envelope", async () => {
    const mention = appMention({ text: `<@${FAKE_BOT_USER_ID}> 可解释性` });
    const body = eventCallback(mention, { eventId: "EvSOCKET1" });
    const ack = await h.socket.send("events_api", body);
    expect(ack.payload).toEqual({});
    const post = await h.fake.waitFor((c) => c.method === "chat.postMessage");
    expect(post.args).toMatchObject({ channel: TEST_CHANNEL_ID, thread_ts: mention.ts });
    expect(visibleText(post.args as ReplyLike)).toContain("可解释性");

    await h.socket.send("events_api", body, { retryAttempt: 1, retryReason: "timeout" });
    await expect.poll(() => h.lines.some((l) => l.includes("duplicate delivery EvSOCKET1 (retry 1, timeout)"))).toBe(true);
    expect(h.fake.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("handles Show more over the socket and replies through response_url", async () => {
    const url = h.fake.responseUrl("sm1");
    const first = (await h.socket.send("slash_commands", command("interpretability"))).payload as ReplyLike;
    const payload = blockActionsPayload({ actionId: "directions_show_more", value: buttons(first).directions_show_more, responseUrl: url });
    await h.socket.send("interactive", payload);
    const page = (await h.fake.waitForResponse((p) => p.id === "sm1")).body as ReplyLike;
    expect(page).toMatchObject({ replace_original: true });
    expect(visibleText(page)).toContain("(4–6)");
  });

  it("acks a button whose response_url is another server, and replies nothing there", async () => {
    const foreign = await startForeignServer();
    try {
      const value = '{"q":"interpretability","o":3}';
      const ack = await h.socket.send("interactive", blockActionsPayload({ actionId: "directions_show_more", value, responseUrl: foreign.url() }));
      expect(ack.payload).toEqual({});
      expect(h.lines.filter((l) => l.includes("Ignored button directions_show_more") && l.includes("not to Slack"))).toHaveLength(1);

      // A click after it is answered as usual, and the other server got nothing.
      await h.socket.send("interactive", blockActionsPayload({ actionId: "directions_show_more", value, responseUrl: h.fake.responseUrl("after") }));
      await h.fake.waitForResponse((p) => p.id === "after");
      expect(foreign.requests).toEqual([]);
    } finally {
      await foreign.close();
    }
  });

  it("acks an envelope whose payload is null or has no event, and keeps answering", async () => {
    for (const type of ["events_api", "interactive", "slash_commands"] as const) {
      expect((await h.socket.send(type, null)).payload).toEqual({});
    }
    expect((await h.socket.send("events_api", { type: "event_callback", event: null })).payload).toEqual({});
    expect(h.lines.filter((l) => l.includes("Ignored a Socket Mode"))).toEqual([
      expect.stringContaining("events_api envelope whose payload is null"),
      expect.stringContaining("interactive envelope whose payload is null"),
      expect.stringContaining("slash_commands envelope whose payload is null"),
      expect.stringContaining("events_api envelope whose payload is an event callback whose event is null"),
    ]);

    const ack = await h.socket.send("slash_commands", command("compression"));
    expect(visibleText(ack.payload as ReplyLike)).toMatch(/模型压缩|蒸馏/);
  });

  it("manages the weekly post over the socket (ack at once, reply through response_url, announcement) and publishes the Home tab", async () => {
    await h.stop();
    const tmp = tempDir();
    const store = await openTempStore(tmp);
    try {
      const channels = new WeeklyChannels({ store, content: new DirectionOfTheWeek(realSearch) });
      h = await startSocketHarness({ weekly: { channels, admins: new Set() } });
      const ack = await h.socket.send("slash_commands", slashCommandPayload({ text: "weekly here", response_url: h.fake.responseUrl("here") }));
      expect(ack.payload ?? {}).toEqual({});
      const reply = await h.fake.waitForResponse((post) => post.id === "here");
      expect(visibleText(reply.body as ReplyLike)).toMatch(/^Done: the direction of the week is on in this channel, Mondays at 09:00 \(UTC\)/);
      await h.fake.waitFor((call) => call.method === "chat.postMessage" && call.args.channel === TEST_CHANNEL_ID && String(call.args.text).includes("turned on the direction of the week here"));
      await h.socket.send("events_api", eventCallback(appHomeOpened()));
      await expect.poll(() => JSON.stringify(h.fake.homeViews.get(TEST_USER_ID) ?? "")).toContain(`<#${TEST_CHANNEL_ID}>: Mondays at 09:00 (UTC)`);
    } finally {
      await store.close();
      tmp.cleanup();
    }
  });

  it("reconnects after a refresh_requested disconnect and keeps answering", async () => {
    await h.socket.requestDisconnect("refresh_requested");
    await h.socket.connected();

    expect(h.socket.connectionCount).toBe(2);
    expect(h.fake.callsTo("apps.connections.open")).toHaveLength(2);
    expect(h.lines.some((l) => l.includes("reconnecting"))).toBe(true);

    const ack = await h.socket.send("slash_commands", command("compression"));
    expect(visibleText(ack.payload as ReplyLike)).toMatch(/模型压缩|蒸馏/);
    const mention = appMention({ text: `<@${FAKE_BOT_USER_ID}> compression` });
    await h.socket.send("events_api", eventCallback(mention));
    await h.fake.waitFor((c) => c.method === "chat.postMessage" && c.args.thread_ts === mention.ts);
  });
});

describe("Socket Mode start-up and shutdown", () => {
  it("stops start-up with one message when Slack refuses the app-level token", async () => {
    h.fake.failNext("apps.connections.open", { error: "invalid_auth" });
    const logs = captureLogs();
    const slack = createSlackApp({
      config: { mode: "socket", botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: h.fake.apiUrl, logLevel: LogLevel.DEBUG },
      search: realSearch,
      logger: logs.logger,
    });
    const failure = await slack.start().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toBe(
      "SLACK_APP_TOKEN was refused by Slack (invalid_auth): copy it again from Basic Information → App-Level Tokens (with the connections:write scope)",
    );
    await slack.stop();
    expect(logs.lines.join("\n")).not.toContain(APP_TOKEN);
  });

  it("npm start runs Socket Mode with SLACK_APP_TOKEN, answers, and stops cleanly on SIGINT", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "directions-socket-"));
    const connectionsBefore = h.socket.connectionCount;
    const child = spawn(process.execPath, [join(import.meta.dirname, "..", "dist", "src", "main.js")], {
      env: { PATH: process.env.PATH ?? "", SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: h.fake.apiUrl },
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    try {
      await h.socket.connected({ count: connectionsBefore + 1, timeoutMs: 15_000 });
      const ack = await h.socket.send("slash_commands", command("compression"));
      expect(visibleText(ack.payload as ReplyLike)).toMatch(/模型压缩|蒸馏/);

      child.kill("SIGINT");
      expect(await exited).toBe(0);
      expect(stderr).toContain("Ready (Socket Mode)");
      expect(stderr).toContain("Received SIGINT; stopping");
      expect(stderr).not.toContain(BOT_TOKEN);
      expect(stderr).not.toContain(APP_TOKEN);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it("npm start with DIRECTIONS_CHANNEL posts the direction of the week once, also across a restart", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "directions-weekly-"));
    // Monday 00:00, the first instant of the ISO week: it has always passed, so start-up catches up at any time of day.
    const env = { PATH: process.env.PATH ?? "", SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: h.fake.apiUrl, DIRECTIONS_CHANNEL: "C0WEEKLY", DIRECTIONS_CRON: "0 0 * * 1" };
    const weeklyPosts = () => h.fake.callsTo("chat.postMessage").filter((call) => call.args.channel === "C0WEEKLY");
    const runBot = async (until: () => Promise<unknown>) => {
      const child = spawn(process.execPath, [join(import.meta.dirname, "..", "dist", "src", "main.js")], { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
      try {
        await until();
        child.kill("SIGTERM");
        expect(await exited).toBe(0);
        return stderr;
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    };
    try {
      const connections = h.socket.connectionCount;
      await runBot(() => h.fake.waitFor((call) => call.method === "chat.postMessage" && call.args.channel === "C0WEEKLY", 15_000));
      expect(weeklyPosts()).toHaveLength(1);
      expect(weeklyPosts()[0]!.args.metadata).toMatchObject({ event_type: "direction_of_week" });

      const stderr = await runBot(() => h.socket.connected({ count: connections + 2, timeoutMs: 15_000 }).then(() => new Promise((resolve) => setTimeout(resolve, 500))));
      expect(weeklyPosts()).toHaveLength(1);
      expect(stderr).toContain("Direction of the week: C0WEEKLY");
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
