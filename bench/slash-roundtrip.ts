/**
 * Slash-command round trip on loopback: a signed `/directions <query>` POSTed
 * to the app's HTTP receiver until the reply (the ack's body) has been read,
 * p50/p99, side by side with a bare Bolt app whose listener acks a static
 * text. Both run in this process, on 127.0.0.1, with the same HTTP receiver
 * and signature check; requests alternate between them so that drift affects
 * both alike. A stub answers auth.test, so nothing leaves the machine.
 *
 * Run with `npm run bench` (or `node dist/bench/slash-roundtrip.js [iterations]`).
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { App, LogLevel } from "@slack/bolt";
import { createSlackApp } from "../src/app.js";
import { loadCorpus } from "../src/corpus/load.js";
import { DirectionsSearch } from "../src/search/engine.js";
import { Answers, type SearchLike } from "../src/slack/answers.js";
import { AppLogger } from "../src/slack/logger.js";
import { BOT_TOKEN as TOKEN, SIGNING_SECRET as SECRET, signedHeaders, startStubApi, stats, type Stats } from "./support.js";

const ITERATIONS = Number(process.argv[2] ?? 2000);
const WARMUP = 300;
const QUERIES = [
  "compression",
  "数据标注太贵怎么办?",
  "interpretability",
  "catastrophic forgetting",
  "可解释性",
  "kubernetes",
  "help",
  "how do I avoid catastrophic forgetting when training on new data?",
];

/** A signed-to-be slash command; its response_url is on the stub, the only origin besides Slack's that the app replies to. */
function slashBody(text: string, responseUrl: string): string {
  return new URLSearchParams({
    token: "x",
    team_id: "T0BENCH",
    team_domain: "bench",
    channel_id: "C0BENCH",
    channel_name: "bench",
    user_id: "U0HUMAN",
    user_name: "ada",
    command: "/directions",
    text,
    api_app_id: "A0BENCH",
    is_enterprise_install: "false",
    response_url: responseUrl,
    trigger_id: "1.2.3",
  }).toString();
}

/** One signed slash command; resolves with the round-trip time in ms (body fully read). */
async function roundTrip(baseUrl: string, body: string): Promise<number> {
  const headers = signedHeaders(body, "application/x-www-form-urlencoded");
  const started = performance.now();
  const response = await fetch(`${baseUrl}/slack/events`, { method: "POST", headers, body });
  const text = await response.text();
  const elapsed = performance.now() - started;
  if (response.status !== 200 || text === "") throw new Error(`unexpected answer ${response.status}: ${text.slice(0, 200)}`);
  return elapsed;
}

async function main(): Promise<void> {
  const stub = await startStubApi();
  const quiet = new AppLogger({ level: LogLevel.ERROR });

  const search = await DirectionsSearch.build(loadCorpus());
  // The same engine, timed: how long the search takes inside the round trips.
  const inFlowSearchMs: number[] = [];
  const timed: SearchLike = {
    corpus: search.corpus,
    passageCount: (id) => search.passageCount(id),
    mostDiscussed: (count) => search.mostDiscussed(count),
    page: (query, options) => {
      const t = performance.now();
      const page = search.page(query, options);
      inFlowSearchMs.push(performance.now() - t);
      return page;
    },
  };
  const ours = createSlackApp({
    config: { mode: "http", botToken: TOKEN, signingSecret: SECRET, port: 0, apiUrl: stub.url, logLevel: LogLevel.ERROR },
    search: timed,
    logger: quiet,
    host: "127.0.0.1",
  });
  const oursUrl = `http://127.0.0.1:${(await ours.start()).port}`;

  const bare = new App({ token: TOKEN, signingSecret: SECRET, clientOptions: { slackApiUrl: stub.url }, logger: quiet, logLevel: LogLevel.ERROR });
  bare.command("/directions", async ({ ack }) => ack({ response_type: "ephemeral", text: "static reply" }));
  const bareServer = (await bare.start({ port: 0, host: "127.0.0.1" } as never)) as Server;
  const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;

  const bodies = QUERIES.map((query) => slashBody(query, new URL("/response/unused", stub.url).href));
  const samples = { ours: [] as number[], bare: [] as number[] };
  const perQuery = QUERIES.map(() => ({ ours: [] as number[], bare: [] as number[] }));
  let replyBytes = 0;
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const body = bodies[i % bodies.length] as string;
    // Alternate which app goes first.
    const order: Array<"ours" | "bare"> = i % 2 === 0 ? ["ours", "bare"] : ["bare", "ours"];
    for (const which of order) {
      const ms = await roundTrip(which === "ours" ? oursUrl : bareUrl, body);
      if (i >= WARMUP) {
        samples[which].push(ms);
        perQuery[i % bodies.length]?.[which].push(ms);
      }
    }
  }
  for (const body of bodies) {
    const response = await fetch(`${oursUrl}/slack/events`, { method: "POST", headers: signedHeaders(body, "application/x-www-form-urlencoded"), body });
    replyBytes += (await response.arrayBuffer()).byteLength;
  }

  // Where the difference goes: the search alone, and search + Block Kit, in-process.
  const answers = new Answers(search);
  const inProcess = QUERIES.map((query) => {
    const searchMs: number[] = [];
    const replyMs: number[] = [];
    for (let i = 0; i < 500; i++) {
      let t = performance.now();
      search.search(query, { limit: answers.pageSize + 1 });
      searchMs.push(performance.now() - t);
      t = performance.now();
      answers.command(query);
      replyMs.push(performance.now() - t);
    }
    return { search: stats(searchMs).p50, reply: stats(replyMs).p50 };
  });

  await ours.stop();
  await bare.stop();
  await stub.close();

  const a = stats(samples.ours);
  const b = stats(samples.bare);
  const row = (name: string, s: Stats) =>
    `| ${name.padEnd(34)} | ${String(s.n).padStart(5)} | ${s.p50.toFixed(3).padStart(8)} | ${s.p90.toFixed(3).padStart(8)} | ${s.p99.toFixed(3).padStart(8)} | ${s.mean.toFixed(3).padStart(8)} | ${s.max.toFixed(2).padStart(8)} |`;
  const ratio = a.p50 / b.p50;
  const lines = [
    "",
    `Slash-command round trip on loopback (signed POST /slack/events → ack body read), Node ${process.version}, ${ITERATIONS} requests each after ${WARMUP} warm-up, ${QUERIES.length} queries in turn`,
    "",
    `| ${"app".padEnd(34)} | ${"n".padStart(5)} | ${"p50 ms".padStart(8)} | ${"p90 ms".padStart(8)} | ${"p99 ms".padStart(8)} | ${"mean ms".padStart(8)} | ${"max ms".padStart(8)} |`,
    `|${"-".repeat(36)}|${"-".repeat(7)}|${"-".repeat(10)}|${"-".repeat(10)}|${"-".repeat(10)}|${"-".repeat(10)}|${"-".repeat(10)}|`,
    row("directions (search + Block Kit)", a),
    row("bare Bolt app (static ack)", b),
    "",
    `p50 ratio directions / bare: ${ratio.toFixed(2)} (target ≤ 1.5: ${ratio <= 1.5 ? "met" : "NOT met"}); p99 ratio: ${(a.p99 / b.p99).toFixed(2)}`,
    `average directions reply: ${Math.round(replyBytes / bodies.length)} bytes of JSON; search time inside those round trips: p50 ${stats(inFlowSearchMs).p50.toFixed(3)} ms, p99 ${stats(inFlowSearchMs).p99.toFixed(3)} ms`,
    "",
    "Per query: round-trip p50s, and in-process p50s of the search alone and of search + Block Kit (the whole reply).",
    "",
    `| ${"query".padEnd(44)} | ${"p50 directions".padStart(14)} | ${"p50 bare".padStart(9)} | ${"ratio".padStart(6)} | ${"search ms".padStart(9)} | ${"reply ms".padStart(8)} |`,
    `|${"-".repeat(46)}|${"-".repeat(16)}|${"-".repeat(11)}|${"-".repeat(8)}|${"-".repeat(11)}|${"-".repeat(10)}|`,
    ...QUERIES.map((query, i) => {
      const q = perQuery[i] as { ours: number[]; bare: number[] };
      const o = stats(q.ours).p50;
      const r = stats(q.bare).p50;
      const shown = query.length > 44 ? `${query.slice(0, 43)}…` : query;
      const local = inProcess[i] as { search: number; reply: number };
      return `| ${shown.padEnd(44)} | ${o.toFixed(3).padStart(14)} | ${r.toFixed(3).padStart(9)} | ${(o / r).toFixed(2).padStart(6)} | ${local.search.toFixed(3).padStart(9)} | ${local.reply.toFixed(3).padStart(8)} |`;
    }),
    "",
  ];
  process.stdout.write(lines.join("\n"));
}

main().catch((error: unknown) => {
  process.stderr.write(`slash-roundtrip: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
