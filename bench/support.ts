/**
 * What the benchmarks share: a stub of the Slack Web API on loopback, signed
 * requests, and percentiles.
 */
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const SIGNING_SECRET = "benchsigningsecret0123456789abcd";
export const BOT_TOKEN = "xoxb-0000-bench-token";
export const BOT_USER_ID = "U0BOT";

export interface StubApi {
  /** Base URL for SLACK_API_URL. */
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Answers every Web API call as auth.test would (with `ok`, the bot's ids and
 * a ts, which is all chat.postMessage's caller reads), and tells `onCall` the
 * method and its form arguments.
 */
export async function startStubApi(onCall: (method: string, args: URLSearchParams) => void = () => undefined): Promise<StubApi> {
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      onCall(req.url?.split("/").pop() ?? "", new URLSearchParams(body));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, user_id: BOT_USER_ID, bot_id: "B0BOT", team_id: "T0BENCH", user: "directions", ts: "1700000000.000001" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Slack's signature headers for `body`, signed now. */
export function signedHeaders(body: string, contentType: string): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    "content-type": contentType,
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": `v0=${createHmac("sha256", SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest("hex")}`,
  };
}

/** An app_mention event callback with its own event id and message ts. */
export function mentionBody(n: number, text = "compression"): { body: string; ts: string } {
  const ts = `1700000000.${String(n).padStart(6, "0")}`;
  const body = JSON.stringify({
    token: "x",
    team_id: "T0BENCH",
    api_app_id: "A0BENCH",
    type: "event_callback",
    event_id: `EvBENCH${n}`,
    event_time: 1700000000,
    event: { type: "app_mention", user: "U0HUMAN", text: `<@${BOT_USER_ID}> ${text}`, ts, channel: "C0BENCH", event_ts: ts },
  });
  return { body, ts };
}

/** POSTs a signed request to the app's endpoint and reads the answer; throws unless it is a 200. */
export async function postSigned(baseUrl: string, body: string, contentType: string): Promise<string> {
  const response = await fetch(`${baseUrl}/slack/events`, { method: "POST", headers: signedHeaders(body, contentType), body });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`unexpected answer ${response.status}: ${text.slice(0, 200)}`);
  return text;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export interface Stats {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  max: number;
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { n: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), mean, max: sorted.at(-1) as number };
}
