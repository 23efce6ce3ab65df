/**
 * The store's contract, run against both real engines: SQLite files in temp
 * folders and a throwaway PostgreSQL server. Several stores on one database
 * stand for replicas.
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { openStore, readStoreConfig, StoreError, type Claim, type PostRecord, type Store, type StoreConfig, type Subscription, type WeekPlan, type WeekView } from "../src/store/index.js";
import { freePort, PG_PASSWORD } from "./support/postgres.js";
import { openForTest, storeEngines } from "./support/stores.js";

const { engines, postgres } = storeEngines();
const HOUR = 60 * 60 * 1000;

function post(week: string, direction: string, extra: Partial<PostRecord> = {}): PostRecord {
  return { channel: "C0WEEKLY", week, direction, cycle: 1, ts: `1700000000.${week.slice(-2)}0000`, recordedAt: "2026-01-05T09:00:00.000Z", ...extra };
}

function claimBy(runId: string, direction = "compression"): Omit<Claim, "channel" | "week"> {
  return { direction, cycle: 1, runId, pid: 42, host: "replica-a", claimedAt: "2026-01-05T09:00:00.000Z", leaseUntil: "2026-01-05T09:02:00.000Z" };
}

/** The publisher's rule, reduced: claim the week unless it is posted or claimed. */
function claimIfFree(runId: string) {
  return (view: WeekView): WeekPlan<boolean> => (view.claim || view.posts.length > 0 ? { result: false } : { claim: claimBy(runId), result: true });
}

describe.each(engines)("store on $name", (engine) => {
  const test = it.skipIf(engine.skip !== undefined);
  const open = async (config?: StoreConfig, now?: () => number): Promise<Store> => openForTest(config ?? (await engine.fresh()), now ? { now } : {});

  describe("subscribed channels", () => {
    const subscription = (channel: string, extra: Partial<Subscription> = {}): Subscription => ({
      channel,
      schedule: { day: 3, minute: 630 },
      timeZone: "Asia/Shanghai",
      source: "slack",
      activeFrom: "2026-12-01T02:00:00.000Z",
      createdBy: "U0ANNA",
      createdAt: "2026-12-01T02:00:00.000Z",
      updatedBy: "U0BO",
      updatedAt: "2026-12-02T03:00:00.000Z",
      ...extra,
    });

    test("keeps every field of a subscription, changes it under the channel's lock, and removes it", async () => {
      const store = await open();
      const full = subscription("C0FULL", { paused: { until: "2027-W02" }, skipWeek: "2026-W50", broken: { reason: "is_archived", since: "2026-12-03T00:00:00.000Z" } });
      expect(await store.changeSubscription("C0FULL", () => full)).toEqual(full);
      const deployment = subscription("C0DEPLOY", { schedule: { cron: "0 9 * * 1" }, source: "deployment", paused: {} });
      await store.changeSubscription("C0DEPLOY", () => deployment);
      expect(await store.subscriptions()).toEqual([deployment, full]);
      expect(await store.subscription("C0FULL")).toEqual(full);
      expect(await store.changeSubscription("C0FULL", () => undefined)).toEqual(full); // left as it is
      await store.changeSubscription("C0FULL", () => null);
      expect(await store.subscription("C0FULL")).toBeUndefined();
      expect(await store.subscriptions()).toEqual([deployment]);
    });

    test("changes from two replicas at once are never lost", async () => {
      const config = await engine.fresh();
      const [a, b] = [await open(config), await open(config)];
      await a.changeSubscription("C0BUSY", () => subscription("C0BUSY", { updatedBy: "" }));
      // Each change appends its name to updatedBy: a lost update would drop one.
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).changeSubscription("C0BUSY", (current) => ({ ...current!, updatedBy: `${current!.updatedBy}${i},` }))),
      );
      const names = (await a.subscription("C0BUSY"))!.updatedBy.split(",").filter(Boolean);
      expect(names.sort()).toEqual(Array.from({ length: 20 }, (_, i) => String(i)).sort());
    });
  });

  describe("answered deliveries", () => {
    test("the first claim of a delivery wins; a copy sharing any key is a duplicate, and its other keys are remembered", async () => {
      const store = await open();
      expect(await store.claimDelivery(["event:Ev1", "message:C1:1.1"], HOUR)).toBe(true);
      expect(await store.claimDelivery(["event:Ev1", "message:C1:1.1"], HOUR)).toBe(false); // Slack's retry
      expect(await store.claimDelivery(["event:Ev2", "message:C1:1.1"], HOUR)).toBe(false); // same message, new event id
      expect(await store.claimDelivery(["event:Ev2"], HOUR)).toBe(false); // remembered from the copy
      expect(await store.claimDelivery(["event:Ev3", "message:C1:2.2"], HOUR)).toBe(true);
      expect(await store.claimDelivery(["message:C2:1.1"], HOUR)).toBe(true); // same ts, other channel
    });

    test("forgets a delivery after its TTL, and pruning removes only expired ones", async () => {
      let now = 1_000_000;
      const store = await open(undefined, () => now);
      expect(await store.claimDelivery(["event:short"], 1_000)).toBe(true);
      expect(await store.claimDelivery(["event:long"], 10_000)).toBe(true);
      now += 999;
      expect(await store.claimDelivery(["event:short"], 1_000)).toBe(false);
      now += 1;
      expect(await store.claimDelivery(["event:short"], 1_000)).toBe(true); // expired: answered again
      now += 1_000;
      expect(await store.pruneDeliveries()).toBe(1);
      expect(await store.claimDelivery(["event:long"], 10_000)).toBe(false); // not pruned, still remembered
      now += 10_000;
      expect(await store.pruneDeliveries()).toBe(1);
    });

    test("two stores on one database claiming the same deliveries at once: each is won exactly once", async () => {
      const config = await engine.fresh();
      const [a, b] = [await open(config), await open(config)];
      const ids = Array.from({ length: 60 }, (_, i) => i);
      const results = await Promise.all(
        ids.flatMap((i) => [a, b].map((store) => store.claimDelivery([`event:Ev${i}`, `message:C1:${i}.0`], HOUR))),
      );
      for (const i of ids) expect([results[2 * i], results[2 * i + 1]].filter(Boolean)).toHaveLength(1);
    });
  });

  describe("the weekly post", () => {
    test("a plan sees the channel's posts in order and the week's claim, and the claim it returns is written", async () => {
      const store = await open();
      await store.importPosts([post("2026-W01", "compression"), post("2026-W02", "interpretability"), post("2026-W01", "other", { channel: "C0OTHER" })]);
      const seen: WeekView[] = [];
      const first = await store.planWeek("C0WEEKLY", "2026-W03", (view) => {
        seen.push(view);
        return { claim: claimBy("run-1", "federated"), result: "claimed" };
      });
      expect(first).toBe("claimed");
      expect(seen[0]!.posts.map((p) => p.direction)).toEqual(["compression", "interpretability"]);
      expect(seen[0]!.claim).toBeUndefined();
      await store.planWeek("C0WEEKLY", "2026-W03", (view) => {
        seen.push(view);
        return { result: undefined };
      });
      expect(seen[1]!.claim).toEqual({ channel: "C0WEEKLY", week: "2026-W03", ...claimBy("run-1", "federated") });
      // Another week, another channel: no claim there.
      expect(await store.planWeek("C0WEEKLY", "2026-W04", (view) => ({ result: view.claim }))).toBeUndefined();
      expect(await store.planWeek("C0OTHER", "2026-W03", (view) => ({ result: view.claim }))).toBeUndefined();
    });

    test("two stores racing to claim the same week: exactly one claims it", async () => {
      const config = await engine.fresh();
      const [a, b] = [await open(config), await open(config)];
      const weeks = Array.from({ length: 15 }, (_, i) => `2026-W${String(i + 10).padStart(2, "0")}`);
      const outcomes = await Promise.all(
        weeks.flatMap((week) => [
          a.planWeek("C0WEEKLY", week, claimIfFree(`a-${week}`)),
          b.planWeek("C0WEEKLY", week, claimIfFree(`b-${week}`)),
        ]),
      );
      for (let i = 0; i < weeks.length; i++) expect([outcomes[2 * i], outcomes[2 * i + 1]].filter(Boolean)).toHaveLength(1);
    });

    test("recording a post removes the run's claim; a week keeps its first record; a release frees the week", async () => {
      const store = await open();
      await store.planWeek("C0WEEKLY", "2026-W05", () => ({ claim: claimBy("run-1"), result: undefined }));
      const recorded = await store.recordPost(post("2026-W05", "compression", { foundInHistory: true }), "run-1");
      expect(recorded).toEqual(post("2026-W05", "compression", { foundInHistory: true }));
      expect(await store.planWeek("C0WEEKLY", "2026-W05", (view) => ({ result: view }))).toEqual({ posts: [recorded] });

      // A second record of the same week (another run found it too): the first stands.
      expect(await store.recordPost(post("2026-W05", "interpretability"), "run-2")).toEqual(recorded);
      expect(await store.posts("C0WEEKLY")).toEqual([recorded]);

      // Only the claiming run's release removes a claim.
      await store.planWeek("C0WEEKLY", "2026-W06", () => ({ claim: claimBy("run-3"), result: undefined }));
      await store.releaseClaim("C0WEEKLY", "2026-W06", "someone-else");
      expect(await store.planWeek("C0WEEKLY", "2026-W06", (view) => ({ result: view.claim?.runId }))).toBe("run-3");
      await store.releaseClaim("C0WEEKLY", "2026-W06", "run-3");
      expect(await store.planWeek("C0WEEKLY", "2026-W06", (view) => ({ result: view.claim }))).toBeUndefined();
    });

    test("imports posts in order, skips weeks already recorded, and can leave channels with posts alone", async () => {
      const store = await open();
      await store.recordPost(post("2026-W02", "recorded-here"), "run-1");
      const imported = [post("2026-W01", "a"), post("2026-W02", "b"), post("2026-W03", "c"), post("2026-W01", "x", { channel: "C0OTHER" })];
      expect(await store.importPosts(imported)).toBe(3);
      expect((await store.posts("C0WEEKLY")).map((p) => `${p.week} ${p.direction}`)).toEqual(["2026-W02 recorded-here", "2026-W01 a", "2026-W03 c"]);
      expect((await store.posts("C0OTHER")).map((p) => p.direction)).toEqual(["x"]);

      const rebuilt = [post("2026-W09", "y"), post("2026-W09", "z", { channel: "C0EMPTY" })];
      expect(await store.importPosts(rebuilt, { onlyIntoEmptyChannels: true })).toBe(1);
      expect((await store.posts("C0WEEKLY")).map((p) => p.week)).not.toContain("2026-W09");
      expect((await store.posts("C0EMPTY")).map((p) => p.direction)).toEqual(["z"]);
    });
  });

  describe("migrations", () => {
    test("two stores opening a new database at once both start, and reopening changes nothing", async () => {
      const config = await engine.fresh();
      const [a, b] = await Promise.all([open(config), open(config)]);
      await a.recordPost(post("2026-W01", "compression"), "run-1");
      expect(await b.posts("C0WEEKLY")).toHaveLength(1);
      const again = await open(config);
      expect(await again.posts("C0WEEKLY")).toHaveLength(1);
      await expect(again.ping()).resolves.toBeUndefined();
    });
  });
});

describe("store on SQLite, from two processes", () => {
  const sqlite = engines.find((engine) => engine.name === "SQLite")!;
  const storeModule = pathToFileURL(join(import.meta.dirname, "..", "dist", "src", "store", "index.js")).href;

  interface Racer {
    /** Resolves once the process has opened the store and waits for the start. */
    ready: Promise<void>;
    go(): void;
    /** What it won. */
    won: Promise<{ deliveries: number[]; weeks: number[] }>;
  }

  /** A process that opens the store, waits for go(), then claims deliveries and weeks offset..offset+n-1 (from the end when `reverse`); it reports them as 0..n-1. */
  function racer(path: string, n: number, reverse: boolean, offset: number): Racer {
    const script = `
      import { openStore } from ${JSON.stringify(storeModule)};
      const store = await openStore({ engine: "sqlite", path: ${JSON.stringify(path)} });
      process.stdout.write("ready\\n");
      await new Promise((resolve) => process.stdin.once("data", resolve));
      const won = { deliveries: [], weeks: [] };
      for (let j = 0; j < ${n}; j++) {
        const i = ${reverse} ? ${n} - 1 - j : j;
        const key = ${offset} + i;
        if (await store.claimDelivery(["event:" + key, "message:C1:" + key], 3600000)) won.deliveries.push(i);
        const claimed = await store.planWeek("C1", "w" + key, (view) =>
          view.claim ? { result: false } : { claim: { direction: "d", cycle: 1, runId: String(process.pid), pid: process.pid, host: "h", claimedAt: new Date().toISOString(), leaseUntil: new Date().toISOString() }, result: true });
        if (claimed) won.weeks.push(i);
      }
      await store.close();
      process.stdout.write(JSON.stringify(won));
      process.exit(0);`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (out.startsWith("ready\n")) markReady();
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    const won = new Promise<{ deliveries: number[]; weeks: number[] }>((resolve, reject) =>
      child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out.slice("ready\n".length))) : reject(new Error(`racer exited ${code}: ${err}`)))),
    );
    return { ready, go: () => child.stdin.write("go\n"), won };
  }

  it("each delivery and each week is won by exactly one process", async () => {
    const config = await sqlite.fresh();
    if (config.engine !== "sqlite") throw new Error("expected SQLite");
    await openForTest(config); // migrated before the race
    const n = 150;
    const all = Array.from({ length: n }, (_, i) => i);
    // From opposite ends, so that they meet in the middle. On a busy machine one process may be done before the
    // other starts, which proves nothing: then race again (on fresh keys: the second race's are offset).
    for (let race = 0; ; race++) {
      const racers = [racer(config.path, n, false, race * n), racer(config.path, n, true, race * n)];
      await Promise.all(racers.map((r) => r.ready));
      for (const r of racers) r.go();
      const [a, b] = await Promise.all(racers.map((r) => r.won));
      expect([...a.deliveries, ...b.deliveries].sort((x, y) => x - y)).toEqual(all);
      expect([...a.weeks, ...b.weeks].sort((x, y) => x - y)).toEqual(all);
      if (a.deliveries.length * b.deliveries.length > 0 || race === 4) {
        expect(a.deliveries.length * b.deliveries.length, "the two processes never overlapped in five races").toBeGreaterThan(0);
        break;
      }
    }
  }, 60_000);
});

describe("opening the store", () => {
  const pg = engines.find((engine) => engine.name === "PostgreSQL")!;

  it("gives up on an unreachable PostgreSQL after the bound, with one message naming DATABASE_URL and not the password", async () => {
    const port = await freePort();
    const warnings: string[] = [];
    const started = Date.now();
    const failure = await openStore(readStoreConfig({ DATABASE_URL: `postgres://bot:hunter22@127.0.0.1:${port}/directions` }), {
      connectTimeoutMs: 1_200,
      logger: { debug: () => undefined, info: () => undefined, warn: (line) => warnings.push(line) },
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toMatch(
      new RegExp(`^DATABASE_URL: could not reach PostgreSQL at postgres://bot:\\*\\*\\*@127\\.0\\.0\\.1:${port}/directions within 1 s \\(.*ECONNREFUSED.*\\); check that the server is running`),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(700); // it did try again
    expect(warnings).toHaveLength(1);
    expect(`${(failure as Error).message}${warnings.join("")}`).not.toContain("hunter22");
  });

  it.skipIf(pg.skip !== undefined)("waits for a PostgreSQL that comes up during start-up", async () => {
    const config = await pg.fresh();
    postgres().stop();
    const late = setTimeout(() => postgres().start(), 1_500);
    try {
      const store = await openForTest(config, { connectTimeoutMs: 20_000 });
      expect(await store.claimDelivery(["event:late"], HOUR)).toBe(true);
    } finally {
      clearTimeout(late);
      postgres().start();
    }
  }, 30_000);

  it.skipIf(pg.skip !== undefined)("connects with the password the URL gives (TCP connections need one)", async () => {
    const config = await pg.fresh();
    expect(config.engine === "postgres" && config.url).toContain(`:${PG_PASSWORD}@`);
    await expect((await openForTest(config)).ping()).resolves.toBeUndefined();
  });

  it.skipIf(pg.skip !== undefined)("uses TLS when the URL asks for it (the test server has none)", async () => {
    const config = await pg.fresh();
    if (config.engine !== "postgres") throw new Error("expected PostgreSQL");
    const failure = await openStore(readStoreConfig({ DATABASE_URL: `${config.url}?sslmode=verify-full` }), { connectTimeoutMs: 500 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toMatch(/^DATABASE_URL: could not reach PostgreSQL .*\(The server does not support SSL connections\)/);
  });

  it("names DIRECTIONS_DB when the SQLite file cannot be opened", async () => {
    const config = await engines.find((engine) => engine.name === "SQLite")!.fresh();
    if (config.engine !== "sqlite") throw new Error("expected SQLite");
    mkdirSync(config.path, { recursive: true }); // a folder where the file should be
    const failure = await openStore(config).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toMatch(new RegExp(`^DIRECTIONS_DB \\(${config.path}\\): cannot open the database: `));
  });
});
