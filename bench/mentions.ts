/**
 * Mentions: the bot's memory under a stream of mentions, and what the store
 * adds to each one.
 *
 * 1. RSS: the bot started as `npm start` starts it (node with the flags of
 *    package.json's start script, dist/src/main.js, HTTP mode, the default
 *    SQLite store in a temp folder), sent 15,000 signed mentions with distinct
 *    event ids over loopback, one after another, against a stub Web API; its
 *    RSS at start and after 5,000, 10,000 and 15,000 (every reply received).
 *    Target: under 150 MB after 10,000.
 * 2. The store's cost, in this process: the delivery claim alone, and a whole
 *    mention (signed event POSTed → its chat.postMessage at the stub), with
 *    the delivery memory in process memory, in SQLite and in PostgreSQL on
 *    loopback (a throwaway server from Debian's binaries; skipped with a line
 *    without them).
 *
 * Run with `npm run bench` (or `node dist/bench/mentions.js`).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { LogLevel } from "@slack/bolt";
import { freePort, pgSkipReason, startPostgres } from "../tests/support/postgres.js";
import { createSlackApp } from "../src/app.js";
import { loadCorpus } from "../src/corpus/load.js";
import { DirectionsSearch } from "../src/search/engine.js";
import { DeliveryMemory, type DeliveryStore } from "../src/slack/dedupe.js";
import { AppLogger } from "../src/slack/logger.js";
import { openStore, readStoreConfig, type Store } from "../src/store/index.js";
import { BOT_TOKEN, mentionBody, postSigned, SIGNING_SECRET, startStubApi, stats } from "./support.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CHECKPOINTS = [5_000, 10_000, 15_000];
const RSS_TARGET_MB = 150;
const WARMUP = 300;
const MEASURED = 2_000;

const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
const ms = (value: number) => value.toFixed(3).padStart(8);

/** The process's resident set in kB (Linux). */
function rssKb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

/** Resolves when `count()` reaches `target`. */
async function until(count: () => number, target: number): Promise<void> {
  while (count() < target) await new Promise((resolve) => setTimeout(resolve, 10));
}

async function measureRss(): Promise<string[]> {
  let replies = 0;
  const stub = await startStubApi((method) => {
    if (method === "chat.postMessage") replies++;
  });
  const start: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.start;
  const flags = start.split(/\s+/).filter((token) => token.startsWith("--"));
  const cwd = mkdtempSync(join(tmpdir(), "directions-bench-"));
  const env = { PATH: process.env.PATH ?? "", SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: String(await freePort()), SLACK_API_URL: stub.url };
  const bot = spawn(process.execPath, [...flags, join(ROOT, "dist", "src", "main.js")], { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
  try {
    let log = "";
    const port = await new Promise<number>((resolve, reject) => {
      bot.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        log += chunk;
        const match = /Listening for Slack on port (\d+)/.exec(log);
        if (match) resolve(Number(match[1]));
      });
      bot.on("close", () => reject(new Error(`the bot exited: ${log}`)));
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    const lines = [
      `Bot RSS under mentions: node ${[...flags, "dist/src/main.js"].join(" ")}, HTTP mode, SQLite store, distinct event ids, one after another`,
      "",
      `| mentions | RSS |`,
      `|---:|---:|`,
      `| 0 (started) | ${mb(rssKb(bot.pid!))} |`,
    ];
    const started = performance.now();
    let sent = 0;
    let at10k = 0;
    for (const checkpoint of CHECKPOINTS) {
      while (sent < checkpoint) await postSigned(baseUrl, mentionBody(++sent).body, "application/json");
      await until(() => replies, sent);
      const rss = rssKb(bot.pid!);
      if (checkpoint === 10_000) at10k = rss;
      lines.push(`| ${checkpoint.toLocaleString("en-US")} | ${mb(rss)} |`);
    }
    lines.push(
      "",
      `${sent.toLocaleString("en-US")} mentions answered in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `RSS after 10,000: ${mb(at10k)} (target < ${RSS_TARGET_MB} MB: ${at10k / 1024 < RSS_TARGET_MB ? "met" : "NOT met"})`,
    );
    return lines;
  } finally {
    bot.kill("SIGTERM");
    await stub.close();
    rmSync(cwd, { recursive: true, force: true });
  }
}

interface Engine {
  name: string;
  deliveries: DeliveryMemory;
  baseUrl: string;
  claims: number[];
  mentions: number[];
}

/** The real app, with its delivery memory, against `stubUrl`. */
async function startApp(stubUrl: string, search: DirectionsSearch, deliveries: DeliveryMemory): Promise<{ baseUrl: string; stop(): Promise<void> }> {
  const app = createSlackApp({
    config: { mode: "http", botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0, apiUrl: stubUrl, logLevel: LogLevel.ERROR },
    search,
    logger: new AppLogger({ level: LogLevel.ERROR }),
    host: "127.0.0.1",
    deliveries,
  });
  return { baseUrl: `http://127.0.0.1:${(await app.start()).port}`, stop: () => app.stop() };
}

/**
 * For each delivery memory (process memory, SQLite, PostgreSQL), the claim
 * alone and whole mentions through the real app, taking turns request by
 * request so that drift and warm-up affect all alike.
 */
async function measureStores(): Promise<string[]> {
  const search = await DirectionsSearch.build(loadCorpus());
  const folder = mkdtempSync(join(tmpdir(), "directions-bench-db-"));
  const postgres = pgSkipReason === undefined ? await startPostgres() : undefined;
  const waiting = new Map<string, () => void>();
  const stub = await startStubApi((method, args) => {
    if (method === "chat.postMessage") waiting.get(args.get("thread_ts") ?? "")?.();
  });
  const stores: Store[] = [];
  const apps: Array<{ stop(): Promise<void> }> = [];
  const engines: Engine[] = [];
  const add = async (name: string, store: DeliveryStore | undefined) => {
    const deliveries = new DeliveryMemory(store ? { store } : {});
    const app = await startApp(stub.url, search, deliveries);
    apps.push(app);
    engines.push({ name, deliveries, baseUrl: app.baseUrl, claims: [], mentions: [] });
  };
  try {
    await add("process memory (no store)", undefined);
    stores.push(await openStore(readStoreConfig({ DIRECTIONS_DB: join(folder, "directions.db") })));
    await add("SQLite (WAL, one file)", stores[0]);
    if (postgres) {
      stores.push(await openStore(readStoreConfig({ DATABASE_URL: await postgres.createDatabase() })));
      await add("PostgreSQL (loopback)", stores[1]);
    }
    for (let i = 0; i < WARMUP + MEASURED; i++) {
      for (const [k, engine] of engines.entries()) {
        const n = k * 100_000 + i;
        let t = performance.now();
        await engine.deliveries.claim([`event:EvCLAIM${n}`, `message:C0CLAIM:${n}`]);
        if (i >= WARMUP) engine.claims.push(performance.now() - t);

        const { body, ts } = mentionBody(n);
        const replied = new Promise<void>((resolve) => waiting.set(ts, resolve));
        t = performance.now();
        await postSigned(engine.baseUrl, body, "application/json");
        await replied;
        if (i >= WARMUP) engine.mentions.push(performance.now() - t);
        waiting.delete(ts);
      }
    }
  } finally {
    for (const app of apps) await app.stop();
    await stub.close();
    await Promise.all(stores.map((store) => store.close()));
    postgres?.destroy();
    rmSync(folder, { recursive: true, force: true });
  }
  const base = stats(engines[0]!.mentions);
  return [
    `What the store adds to a mention, Node ${process.version}, ${MEASURED} each after ${WARMUP} warm-up, the memories taking turns:`,
    "the delivery claim alone, and a whole mention (signed event POSTed → its chat.postMessage at the stub)",
    "",
    `| delivery memory | claim p50 ms | claim p99 ms | mention p50 ms | mention p99 ms | added to p50 ms | added to p99 ms |`,
    `|---|---:|---:|---:|---:|---:|---:|`,
    ...engines.map((engine) => {
      const [claim, mention] = [stats(engine.claims), stats(engine.mentions)];
      return `| ${engine.name} | ${ms(claim.p50)} | ${ms(claim.p99)} | ${ms(mention.p50)} | ${ms(mention.p99)} | ${ms(mention.p50 - base.p50)} | ${ms(mention.p99 - base.p99)} |`;
    }),
    ...(pgSkipReason ? ["", pgSkipReason] : []),
  ];
}

async function main(): Promise<void> {
  const rss = process.platform === "linux" ? await measureRss() : ["Bot RSS: skipped (reads /proc, Linux only)"];
  const stores = await measureStores();
  process.stdout.write(["", ...rss, "", ...stores, ""].join("\n"));
}

main().catch((error: unknown) => {
  process.stderr.write(`mentions bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
