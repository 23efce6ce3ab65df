/**
 * Mentions deduplicated through the store, with the real app in HTTP mode
 * against the fake Slack: replicas sharing one database answer a mention
 * once, and while PostgreSQL is down mentions are still answered (deduplicated
 * in memory) until it is back. Then the delivery memory's own rules: a store
 * that does not answer in time, and the pruning of expired deliveries.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DeliveryMemory, type DeliveryStore } from "../src/slack/dedupe.js";
import { captureLogs, SIGNING_SECRET, startHttpHarness, visibleText, type HttpHarness, type ReplyLike } from "./support/app-harness.js";
import { FAKE_BOT_USER_ID } from "./support/fake-slack.js";
import { appMention, postEvent, postSlashCommand } from "./support/slack-requests.js";
import { openForTest, storeEngines } from "./support/stores.js";

const { engines, postgres } = storeEngines();
const harnesses: HttpHarness[] = [];

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.stop()));
});

async function replica(store: Parameters<typeof openForTest>[0], options: { retryStoreEveryMs?: number } = {}): Promise<HttpHarness> {
  const opened = await openForTest(store);
  const h = await startHttpHarness({ deliveries: (logger) => new DeliveryMemory({ store: opened, logger, ...options }) });
  harnesses.push(h);
  return h;
}

const replies = (h: HttpHarness) => h.fake.callsTo("chat.postMessage").map((call) => call.args.thread_ts);
const logged = (h: HttpHarness, text: string) => h.lines.filter((line) => line.includes(text)).length;

describe.each(engines)("mentions deduplicated in $name", (engine) => {
  it.skipIf(engine.skip !== undefined)("two replicas on one database: a mention delivered to one and its retries to the other get one reply", async () => {
    const config = await engine.fresh();
    const [first, second] = [await replica(config), await replica(config)];
    const mention = appMention({ text: `<@${FAKE_BOT_USER_ID}> compression` });

    await postEvent(first.baseUrl, SIGNING_SECRET, mention, { eventId: "EvREPLICA" });
    await first.fake.waitFor((call) => call.method === "chat.postMessage");
    await postEvent(second.baseUrl, SIGNING_SECRET, mention, { eventId: "EvREPLICA", retryNum: 1, retryReason: "http_timeout" });
    await postEvent(second.baseUrl, SIGNING_SECRET, mention, { eventId: "EvCOPY" }); // same message, another event id
    await expect.poll(() => logged(second, "ignoring a duplicate delivery")).toBe(2);

    expect(replies(first)).toEqual([mention.ts]);
    expect(replies(second)).toEqual([]);
  });
});

describe("mentions while PostgreSQL is down", () => {
  const pg = engines.find((engine) => engine.name === "PostgreSQL")!;

  it.skipIf(pg.skip !== undefined)("are answered and deduplicated in memory, said once; the store is used again once it is back", async () => {
    const h = await replica(await pg.fresh(), { retryStoreEveryMs: 0 });
    const mention = (text: string) => appMention({ text: `<@${FAKE_BOT_USER_ID}> ${text}` });
    const answered = async (event: Record<string, unknown>, eventId: string) => {
      await postEvent(h.baseUrl, SIGNING_SECRET, event, { eventId });
      await h.fake.waitFor((call) => call.method === "chat.postMessage" && call.args.thread_ts === event.ts, 5_000);
    };
    const ignored = async (event: Record<string, unknown>, eventId: string) => {
      const before = logged(h, "ignoring a duplicate delivery");
      await postEvent(h.baseUrl, SIGNING_SECRET, event, { eventId, retryNum: 1, retryReason: "http_timeout" });
      await expect.poll(() => logged(h, "ignoring a duplicate delivery")).toBe(before + 1);
    };

    const beforeOutage = mention("compression");
    await answered(beforeOutage, "EvBEFORE");

    postgres().stop();
    const during = mention("可解释性");
    await answered(during, "EvDURING");
    await ignored(during, "EvDURING");
    const another = mention("federated learning");
    await answered(another, "EvANOTHER");
    // /directions never touches the store.
    const command = await postSlashCommand(h.baseUrl, SIGNING_SECRET, { text: "compression", response_url: h.fake.responseUrl() });
    expect(visibleText(command.body as ReplyLike)).toMatch(/模型压缩|蒸馏/);
    expect(logged(h, "The database is unreachable")).toBe(1);
    expect(logged(h, "The database is back")).toBe(0);

    postgres().start();
    const after = mention("数据标注太贵怎么办?");
    await answered(after, "EvAFTER");
    expect(logged(h, "The database is back")).toBe(1);
    await ignored(during, "EvDURING"); // answered from memory during the outage: still a duplicate
    await ignored(beforeOutage, "EvBEFORE"); // in the store
    await ignored(after, "EvAFTER");

    expect(replies(h)).toEqual([beforeOutage.ts, during.ts, another.ts, after.ts]);
    expect(logged(h, "The database is unreachable")).toBe(1);
    expect(logged(h, "The database is back")).toBe(1);
  }, 30_000);
});

describe("the delivery memory", () => {
  it("answers from process memory when the store does not answer in time, and says so once", async () => {
    const hanging: DeliveryStore = { claimDelivery: () => new Promise(() => undefined), pruneDeliveries: async () => 0 };
    const { logger, lines } = captureLogs();
    const deliveries = new DeliveryMemory({ store: hanging, logger, storeTimeoutMs: 100, retryStoreEveryMs: 0 });
    const started = Date.now();
    expect(await deliveries.claim(["event:EvSLOW", "message:C1:1.1"])).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await deliveries.claim(["event:EvSLOW"])).toBe(false);
    expect(lines.filter((line) => line.includes("The database is unreachable (no answer within 100 ms)"))).toHaveLength(1);
  });

  for (const engine of engines) it.skipIf(engine.skip !== undefined)(`forgets expired deliveries in ${engine.name} every pruneEveryMs, in the background`, async () => {
    let now = 1_000_000;
    const store = await openForTest(await engine.fresh(), { now: () => now });
    const pruned: number[] = [];
    const counting: DeliveryStore = {
      claimDelivery: (keys, ttlMs) => store.claimDelivery(keys, ttlMs),
      pruneDeliveries: async () => {
        const count = await store.pruneDeliveries();
        pruned.push(count);
        return count;
      },
    };
    const deliveries = new DeliveryMemory({ store: counting, pruneEveryMs: 60_000, now: () => now });
    expect(await deliveries.claim(["event:EvOLD", "message:C1:1.1"])).toBe(true);
    now += 59_000;
    await deliveries.claim(["event:EvNEW1"]);
    expect(pruned).toEqual([]);
    now += 2 * 60 * 60 * 1000; // the hour of the three keys so far is over
    await deliveries.claim(["event:EvNEW2"]);
    await expect.poll(() => pruned).toEqual([3]);
    now += 1_000;
    await deliveries.claim(["event:EvNEW3"]);
    expect(pruned).toEqual([3]);
  });
});
