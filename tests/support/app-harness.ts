/**
 * Starts the real app (src/app.ts, real Bolt receivers, the real search
 * engine over the real corpus) against the fake Slack Web API, in HTTP mode on
 * 127.0.0.1 or in Socket Mode against the local WebSocket server, and collects
 * its log lines. Everything started here is stopped by `stop()`.
 */
import { LogLevel } from "@slack/bolt";
import { createSlackApp, type SlackApp } from "../../src/app.js";
import { loadCorpus } from "../../src/corpus/load.js";
import { DirectionsSearch } from "../../src/search/engine.js";
import type { SearchLike } from "../../src/slack/answers.js";
import type { Block, SlackMessage } from "../../src/slack/block-kit.js";
import type { DeliveryMemory } from "../../src/slack/dedupe.js";
import type { WeeklyDeps } from "../../src/listeners/index.js";
import { AppLogger } from "../../src/slack/logger.js";
import { startFakeSlack, type FakeSlack } from "./fake-slack.js";
import { startSocketModeServer, type SocketModeServer } from "./socket-mode-server.js";

/** Test credentials (they look like Slack's, so they also test redaction). */
export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const BOT_TOKEN = "xoxb-1111-2222-testbottoken";
export const APP_TOKEN = "xapp-1-A0TEST-3333-testapptoken";

/** The real engine over the real corpus, built once per test file. */
export const realSearch = await DirectionsSearch.build(loadCorpus());

export interface CapturedLogs {
  logger: AppLogger;
  lines: string[];
}

export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const logger = new AppLogger({ level: LogLevel.DEBUG, write: (line) => lines.push(line), secrets: [SIGNING_SECRET] });
  return { logger, lines };
}

export interface HarnessOptions {
  search?: SearchLike;
  /** The app's memory of answered mentions, given the harness's logger (default: process memory). */
  deliveries?: (logger: AppLogger) => DeliveryMemory;
  /** The weekly post's channels and admins (`/directions weekly …`, the App Home). */
  weekly?: WeeklyDeps;
}

export interface HttpHarness extends CapturedLogs {
  fake: FakeSlack;
  slack: SlackApp;
  baseUrl: string;
  stop(): Promise<void>;
}

export async function startHttpHarness(options: HarnessOptions = {}): Promise<HttpHarness> {
  const fake = await startFakeSlack();
  const logs = captureLogs();
  const slack = createSlackApp({
    config: { mode: "http", botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0, apiUrl: fake.apiUrl, logLevel: LogLevel.DEBUG },
    search: options.search ?? realSearch,
    logger: logs.logger,
    host: "127.0.0.1",
    retryConfig: { retries: 0 },
    ...(options.deliveries ? { deliveries: options.deliveries(logs.logger) } : {}),
    ...(options.weekly ? { weekly: options.weekly } : {}),
  });
  let started;
  try {
    started = await slack.start();
  } catch (error) {
    await fake.close();
    throw error;
  }
  return {
    ...logs,
    fake,
    slack,
    baseUrl: `http://127.0.0.1:${started.port}`,
    async stop() {
      await slack.stop();
      await fake.close();
    },
  };
}

export interface SocketHarness extends CapturedLogs {
  fake: FakeSlack;
  socket: SocketModeServer;
  slack: SlackApp;
  stop(): Promise<void>;
}

export async function startSocketHarness(options: HarnessOptions = {}): Promise<SocketHarness> {
  const fake = await startFakeSlack();
  const socket = await startSocketModeServer();
  fake.attachSocketMode(socket);
  const logs = captureLogs();
  const slack = createSlackApp({
    config: { mode: "socket", botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: fake.apiUrl, logLevel: LogLevel.DEBUG },
    search: options.search ?? realSearch,
    logger: logs.logger,
    socketPingTimeoutMs: 1000,
    retryConfig: { retries: 0 },
    ...(options.deliveries ? { deliveries: options.deliveries(logs.logger) } : {}),
    ...(options.weekly ? { weekly: options.weekly } : {}),
  });
  await slack.start();
  await socket.connected();
  return {
    ...logs,
    fake,
    socket,
    slack,
    async stop() {
      await slack.stop();
      await socket.close();
      await fake.close();
    },
  };
}

// ---------------------------------------------------------------------------
// Reading replies

export interface ReplyLike {
  text?: string;
  blocks?: unknown[];
  response_type?: string;
  replace_original?: boolean;
  delete_original?: boolean;
}

/** All the text a message shows (sections and context elements), joined by newlines. */
export function visibleText(message: ReplyLike | SlackMessage): string {
  const parts: string[] = [];
  for (const block of (message.blocks ?? []) as Block[]) {
    if (block.type === "section" && block.text) parts.push(block.text.text);
    if (block.type === "context") for (const e of block.elements) if ("text" in e && typeof e.text === "string") parts.push(e.text);
  }
  return parts.join("\n");
}

/** The buttons of a message: action id → value. */
export function buttons(message: ReplyLike | SlackMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const block of (message.blocks ?? []) as Block[]) {
    if (block.type !== "actions") continue;
    for (const e of block.elements) if (e.type === "button" && e.action_id) out[e.action_id] = e.value ?? "";
  }
  return out;
}

/**
 * Anything in what a reply shows (blocks and fallback text) that would ping
 * people or name a channel. Button values are not shown, so they don't count.
 */
export function pings(message: ReplyLike | SlackMessage): string[] {
  const shown = `${visibleText(message)}\n${message.text ?? ""}`;
  return [...shown.matchAll(/<[!@#][^>]*>/g)].map((m) => m[0]);
}
