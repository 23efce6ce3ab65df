import { existsSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DirectionOfTheWeek } from "../src/weekly/direction-post.js";
import { createWeeklyClient, WeeklyPublisher, type PublishOutcome } from "../src/weekly/publisher.js";
import type { Claim, PostRecord, Store } from "../src/store/index.js";
import { delay } from "../src/weekly/claims.js";
import { FAKE_BOT_ID, FAKE_BOT_USER_ID, type FakeSlack } from "./support/fake-slack.js";
import { eachTestWithSlackAndState, fakeSearch, memoryLogger, noWait, openTempStore, smallCorpus, type TempDir } from "./support/weekly-fixtures.js";

const CHANNEL = "C0WEEKLY1";
const WEEK = "2026-W10"; // Monday 2 March 2026 (UTC)
/** A ts inside WEEK, for messages an earlier run posted. */
const TS_IN_WEEK = "1772449200.000100";

let slack: FakeSlack;
let tmp: TempDir;
let store: Store;
eachTestWithSlackAndState((s, t, st) => ([slack, tmp, store] = [s, t, st]));

function publisher(
  options: { apiUrl?: string; logger?: ReturnType<typeof memoryLogger>; sleep?: (ms: number) => Promise<void>; settleMs?: number } = {},
) {
  const logger = options.logger ?? memoryLogger();
  const p = new WeeklyPublisher({
    client: createWeeklyClient("xoxb-test", { apiUrl: options.apiUrl ?? slack.apiUrl, timeoutMs: 250 }),
    channel: CHANNEL,
    timeZone: "UTC",
    store,
    content: new DirectionOfTheWeek(fakeSearch(smallCorpus())),
    logger,
    retry: { baseDelayMs: 1, requestTimeoutMs: 250, ...(options.settleMs !== undefined ? { settleMs: options.settleMs } : {}) },
    sleep: options.sleep ?? noWait,
  });
  return { publish: (week: string) => p.publish(week), logger };
}

const posts = () => slack.messagesIn(CHANNEL).filter((m) => m.metadata?.event_type === "direction_of_week");
/** What the store holds for the channel: its posts, and this week's claim (as a list, empty or of one). */
async function readState(week = WEEK): Promise<{ posts: PostRecord[]; claims: Claim[] }> {
  const view = await store.week(CHANNEL, week);
  return { posts: view.posts, claims: view.claim ? [view.claim] : [] };
}

function ourEarlierPost(week: string, direction: string, ts = TS_IN_WEEK) {
  return {
    ts,
    text: "Direction of the week",
    user: FAKE_BOT_USER_ID,
    bot_id: FAKE_BOT_ID,
    metadata: { event_type: "direction_of_week", event_payload: { week, direction } },
  };
}

describe("posting the direction of the week", () => {
  it("posts once, records the ts, and a restart in the same week posts nothing", async () => {
    const first = await publisher().publish(WEEK);
    expect(first).toMatchObject({ status: "posted", week: WEEK, direction: "a" });
    expect(posts()).toHaveLength(1);
    const call = slack.callsTo("chat.postMessage")[0]!;
    expect(call.args.metadata).toEqual({ event_type: "direction_of_week", event_payload: { week: WEEK, direction: "a" } });
    expect(call.args.text).toContain("Direction a");
    expect((await readState()).posts).toEqual([
      expect.objectContaining({ week: WEEK, direction: "a", cycle: 1, channel: CHANNEL, ts: (first as { ts: string }).ts }),
    ]);
    expect((await readState()).claims).toEqual([]);

    const again = publisher(); // a restarted bot: new client, new publisher, same state
    expect(await again.publish(WEEK)).toMatchObject({ status: "already-posted", direction: "a" });
    expect(again.logger.text()).toContain("already posted");
    expect(slack.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("moves through the rotation week after week", async () => {
    const p = publisher();
    const directions: string[] = [];
    for (const week of ["2026-W10", "2026-W11", "2026-W12", "2026-W13"]) {
      const outcome = await p.publish(week);
      directions.push((outcome as { direction: string }).direction);
    }
    expect(directions).toEqual(["a", "b", "c", "a"]);
    expect((await readState()).posts.map((post) => post.cycle)).toEqual([1, 1, 1, 2]);
  });

  it("after a lost answer, posts nothing until the post would be visible, then finds it in the channel", async () => {
    slack.failNext("chat.postMessage", { dropAfterHandling: true });
    const first = publisher();
    const outcome = await first.publish(WEEK);
    expect(outcome).toMatchObject({ status: "unknown", direction: "a" });
    expect(first.logger.text()).toMatch(/outcome unknown\. Will check channel C0WEEKLY1 before posting again, not before /);
    expect(first.logger.text()).not.toContain("NOT posted");
    expect((await readState()).claims).toEqual([expect.objectContaining({ week: WEEK, sentAt: expect.any(String) })]);

    // A second run at once (a restart, a CronJob retry) must not check yet, let alone post.
    const second = publisher();
    expect(await second.publish(WEEK)).toMatchObject({ status: "unknown", direction: "a" });
    expect(second.logger.text()).toContain("sent this week's post at");
    expect(slack.callsTo("chat.postMessage")).toHaveLength(1);

    // Once Slack can no longer be handling it, the channel check is trusted: found, recorded, not reposted.
    await ageSentAt(3 * 60_000);
    expect(await publisher().publish(WEEK)).toMatchObject({ status: "found-in-channel", direction: "a" });
    expect(posts()).toHaveLength(1);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(1);
    expect((await readState()).posts[0]).toMatchObject({ week: WEEK, ts: posts()[0]!.ts, foundInHistory: true });
    expect((await readState()).claims).toEqual([]);
  });

  it("does not post again when the answer is lost for a week posted ahead of time", async () => {
    slack.failNext("chat.postMessage", { dropAfterHandling: true });
    expect(await publisher({ settleMs: 1 }).publish("2099-W01")).toMatchObject({ status: "found-in-channel" });
    expect(posts()).toHaveLength(1);
  });

  it("posts once when Slack answers chat.postMessage only after our timeout (default settling time)", async () => {
    slack.failNext("chat.postMessage", { delayMs: 600 }); // our timeout is 250 ms; the post lands at 600 ms
    const first = await publisher({ sleep: delay }).publish(WEEK);
    expect(first).toMatchObject({ status: "unknown" });
    await slack.waitFor((call) => call.method === "chat.postMessage");
    expect(await publisher({ sleep: delay }).publish(WEEK)).toMatchObject({ status: "unknown" }); // too early to trust a check
    await ageSentAt(3 * 60_000);
    expect(await publisher({ sleep: delay }).publish(WEEK)).toMatchObject({ status: "found-in-channel" });
    expect(posts()).toHaveLength(1);
  });

  it("posts once when Slack answers after our timeout, waiting out the settling time within the run", async () => {
    slack.failNext("chat.postMessage", { delayMs: 600 }); // our timeout is 250 ms
    const p = publisher({ sleep: delay, settleMs: 900 }); // real waits: the check comes after the post has landed
    expect(await p.publish(WEEK)).toMatchObject({ status: "found-in-channel", direction: "a" });
    expect(p.logger.text()).toMatch(/Slack timeout \(outcome unknown\); checking the channel and trying again in 0\.[5-9] s/); // 0.9 s after sending
    expect(posts()).toHaveLength(1);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("never posts while another run's post is in flight, even when that run was killed", async () => {
    // What `kill -9` during chat.postMessage leaves: a claim with sentAt, whose process is gone.
    await writeState({ posts: [], claims: [deadClaim(WEEK, "a", { sentAt: new Date().toISOString() })] });
    const p = publisher();
    expect(await p.publish(WEEK)).toMatchObject({ status: "unknown", direction: "a" });
    expect(p.logger.text()).toMatch(/an earlier run \(pid \d+ on .*\) sent this week's post at .* and ended before Slack answered; outcome unknown/);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(0);
    // The dead run's request lands; later a run checks and finds it.
    slack.seedHistory(CHANNEL, [ourEarlierPost(WEEK, "a")]);
    await ageSentAt(3 * 60_000);
    expect(await publisher().publish(WEEK)).toMatchObject({ status: "found-in-channel", direction: "a" });
    expect(posts()).toHaveLength(1);
  });

  it("takes over at once the claim of a run that died before sending anything", async () => {
    await writeState({ posts: [], claims: [deadClaim(WEEK, "a")] });
    const p = publisher();
    expect(await p.publish(WEEK)).toMatchObject({ status: "posted", direction: "a" });
    expect(p.logger.text()).toContain("claimed this week and did not finish; checking the channel before posting");
    expect(posts()).toHaveLength(1);
  });

  it("posts again when the connection dropped before Slack handled the post, once the check can be trusted", async () => {
    slack.failNext("chat.postMessage", { dropBeforeHandling: true });
    expect(await publisher({ settleMs: 1 }).publish(WEEK)).toMatchObject({ status: "posted" });
    expect(posts()).toHaveLength(1);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(2);
  });

  it("retries a transient error (HTTP 503) after checking the channel, then posts", async () => {
    slack.failNext("chat.postMessage", { status: 503 });
    const p = publisher();
    expect(await p.publish(WEEK)).toMatchObject({ status: "posted" });
    expect(posts()).toHaveLength(1);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(2);
    // One read to rebuild the rotation (the state has no posts yet), then a check before each attempt.
    expect(slack.callsTo("conversations.history")).toHaveLength(3);
    expect(p.logger.text()).toMatch(/Slack HTTP 503; checking the channel and trying again/);
  });

  it("retries when the channel check itself fails transiently, and never posts blind", async () => {
    await writeState({ posts: [postRecord("2026-W09", "a", 1)], claims: [] }); // nothing to rebuild: the first read is the check
    slack.failNext("conversations.history", { status: 503 });
    expect(await publisher().publish(WEEK)).toMatchObject({ status: "posted", direction: "b" });
    expect(slack.callsTo("conversations.history")).toHaveLength(2);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("waits as long as Slack's Retry-After says on a rate limit", async () => {
    slack.failNext("chat.postMessage", { status: 429, retryAfter: 3 });
    const waits: number[] = [];
    const outcome = await publisher({ sleep: async (ms) => void waits.push(ms) }).publish(WEEK);
    expect(outcome.status).toBe("posted");
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(3000);
    expect(posts()).toHaveLength(1);
  });

  it("treats internal_error, fatal_error and HTTP 500 as an unknown outcome: no check, let alone a post, before the settling time", async () => {
    for (const fault of [{ error: "internal_error" }, { error: "fatal_error" }, { status: 500 }] as const) {
      slack.failNext("chat.postMessage", fault);
      expect(await publisher().publish(WEEK), JSON.stringify(fault)).toMatchObject({ status: "unknown" });
      await ageSentAt(3 * 60_000);
    }
    expect(slack.callsTo("chat.postMessage")).toHaveLength(3);
    expect(await publisher().publish(WEEK)).toMatchObject({ status: "posted" }); // the check finds nothing: it had not landed
    expect(posts()).toHaveLength(1);
  });

  it("never sends once its claim ran out and another run took the week over", async () => {
    // A run that stalled past its lease (GC, a suspended VM): another run claimed the week meanwhile.
    const stalled = publisher();
    // Between its channel check and its markSent, another run claims the week.
    const original = store.markSent.bind(store);
    store.markSent = async (channel, week, runId, sentAt) => {
      await store.planWeek(channel, week, ({ claim }) => ({ claim: { ...claim!, runId: "the-other-run", leaseUntil: new Date(Date.now() + 60_000).toISOString() }, result: undefined }));
      return original(channel, week, runId, sentAt);
    };
    const result = await stalled.publish(WEEK);
    store.markSent = original;
    expect(result).toMatchObject({ status: "failed", permanent: false });
    expect(stalled.logger.errors[0]).toContain("this run's claim ran out");
    expect(slack.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("takes a claim whose lease ends impossibly far ahead (a wrong clock) as abandoned", async () => {
    await writeState({ posts: [], claims: [{ ...claim({ direction: "b", pid: 7, host: "another-host" }), leaseUntil: new Date(Date.now() + 365 * 86_400_000).toISOString() }] });
    expect(await publisher().publish(WEEK)).toMatchObject({ status: "posted", direction: "b" });
  });

  it("reports a post the store could not record, so that a later run records it", async () => {
    const original = store.recordPost.bind(store);
    store.recordPost = () => Promise.reject(new Error("database is locked"));
    const p = publisher();
    const outcome = await p.publish(WEEK);
    store.recordPost = original;
    expect(outcome).toMatchObject({ status: "posted", recorded: false });
    expect(p.logger.errors[0]).toMatch(/posted \(ts .*\) but could not record it in the store \(database is locked\)\. The next run will find the post in the channel and record it\./);
    await ageSentAt(3 * 60_000);
    expect(await publisher().publish(WEEK)).toMatchObject({ status: "found-in-channel" });
    expect((await readState()).posts).toHaveLength(1);
    expect(posts()).toHaveLength(1);
  });

  it("on a permanent error logs one line naming the fix and leaves the week open", async () => {
    slack.failNext("chat.postMessage", { error: "not_in_channel" });
    const p = publisher();
    const outcome = await p.publish(WEEK);
    expect(outcome).toMatchObject({ status: "failed", permanent: true });
    expect(slack.callsTo("chat.postMessage")).toHaveLength(1); // not retried
    expect(p.logger.errors).toHaveLength(1);
    expect(p.logger.errors[0]).toContain("not_in_channel");
    expect(p.logger.errors[0]).toContain("/invite @directions");
    expect((await readState())).toMatchObject({ posts: [], claims: [] });

    // The admin invites the bot; the next run posts the week.
    expect(await publisher().publish(WEEK)).toMatchObject({ status: "posted", direction: "a" });
    expect(posts()).toHaveLength(1);
  });

  it("names the token as the fix for invalid_auth and the scope for missing_scope", async () => {
    slack.failNext("auth.test", { error: "invalid_auth" });
    const p = publisher();
    expect(await p.publish(WEEK)).toMatchObject({ status: "failed", permanent: true });
    expect(p.logger.errors[0]).toContain("SLACK_BOT_TOKEN");
    slack.handle("conversations.history", () => ({ ok: false, error: "missing_scope", needed: "channels:history" }));
    const q = publisher();
    expect(await q.publish(WEEK)).toMatchObject({ status: "failed", permanent: true });
    expect(q.logger.errors[0]).toContain("add the bot scope channels:history");
    expect(posts()).toHaveLength(0);
  });

  it("gives up within its budget when Slack is unreachable, and releases the week", async () => {
    await writeState({ posts: [postRecord("2026-W09", "a", 1)], claims: [] }); // no rotation to rebuild first
    const port = await closedPort();
    const waits: number[] = [];
    const p = publisher({ apiUrl: `http://127.0.0.1:${port}/api/`, sleep: async (ms) => void waits.push(ms) });
    const outcome = await p.publish(WEEK);
    expect(outcome).toMatchObject({ status: "failed", permanent: false });
    expect(waits).toHaveLength(3); // 4 attempts
    expect(p.logger.errors).toHaveLength(1);
    expect(p.logger.errors[0]).toMatch(/network error/);
    expect((await readState()).claims).toEqual([]);
  });

  it("with the default policy, a run ends within a minute even when every request times out", async () => {
    // A virtual clock: each request hangs for the full 10 s timeout, each wait takes its length.
    await writeState({ posts: [postRecord("2026-W09", "a", 1)], claims: [] }); // no rotation to rebuild first
    const clock = { ms: 0 };
    const hangingSlack = async (): Promise<never> => {
      clock.ms += 10_000;
      throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
    };
    const outcome = await publisherOnClock(createWeeklyClient("xoxb-test", { fetch: hangingSlack }), clock).publish(WEEK);
    expect(outcome).toMatchObject({ status: "failed", permanent: false });
    expect((outcome as { reason: string }).reason).toContain("timeout");
    expect(clock.ms).toBeGreaterThanOrEqual(20_000); // it tried more than once
    expect(clock.ms).toBeLessThan(60_000);
  });
});

describe("store trouble", () => {
  it("with no posts in the store, finds this week's post in the channel instead of reposting", async () => {
    slack.seedHistory(CHANNEL, [ourEarlierPost(WEEK, "c")]);
    expect(existsSync(tmp.statePath)).toBe(false);
    expect(await publisher().publish(WEEK)).toMatchObject({ status: "found-in-channel", direction: "c" });
    expect(slack.callsTo("chat.postMessage")).toHaveLength(0);
    // The next week continues the rotation after the direction found.
    expect(await publisher().publish("2026-W11")).toMatchObject({ status: "posted", direction: "a" });
  });

  it("with the store lost, rebuilds the rotation from our earlier posts in the channel", async () => {
    // Weeks 5–9: a b c (cycle 1), then a b (cycle 2); one of them posted twice by a mishap, and another app's look-alike.
    slack.seedHistory(CHANNEL, [
      ourEarlierPost("2026-W05", "a", "1769990400.000100"),
      ourEarlierPost("2026-W06", "b", "1770595200.000100"),
      ourEarlierPost("2026-W06", "b", "1770595300.000100"),
      ourEarlierPost("2026-W07", "c", "1771200000.000100"),
      { ...ourEarlierPost("2026-W07", "a", "1771200100.000100"), user: "U0OTHER", bot_id: "B0OTHER" },
      ourEarlierPost("2026-W08", "a", "1771804800.000100"),
      ourEarlierPost("2026-W09", "b", "1772409600.000100"),
    ]);
    const p = publisher();
    expect(await p.publish(WEEK)).toMatchObject({ status: "posted", direction: "c" }); // not "a" again
    expect(p.logger.text()).toContain("rebuilt the rotation from 5 earlier posts");
    expect((await readState()).posts.map((post) => [post.week, post.direction, post.cycle])).toEqual([
      ["2026-W05", "a", 1],
      ["2026-W06", "b", 1],
      ["2026-W07", "c", 1],
      ["2026-W08", "a", 2],
      ["2026-W09", "b", 2],
      [WEEK, "c", 2],
    ]);
  });

  it("keeps the week open when the channel cannot be read to rebuild the rotation, and rebuilds on the next run", async () => {
    slack.seedHistory(CHANNEL, [ourEarlierPost("2026-W08", "a", "1771804800.000100"), ourEarlierPost("2026-W09", "b", "1772409600.000100")]);
    slack.failNext("conversations.history", { status: 503 });
    const p = publisher();
    const outcome = await p.publish(WEEK);
    expect(outcome).toMatchObject({ status: "failed", permanent: false });
    expect((outcome as { reason: string }).reason).toContain("to rebuild the rotation");
    expect(slack.callsTo("chat.postMessage")).toHaveLength(0); // posting now would repeat "a"
    expect(await publisher().publish(WEEK)).toMatchObject({ status: "posted", direction: "c" });
  });

  it("stops reading a slow channel history for the rebuild within half the run budget", async () => {
    const clock = { ms: 0 };
    slack.handle("conversations.history", () => {
      clock.ms += 5_000; // each page takes 5 s, and there is always another
      return { ok: true, messages: [], has_more: true, response_metadata: { next_cursor: "bmV4dA==" } };
    });
    const outcome = await publisherOnClock(createWeeklyClient("xoxb-test", { apiUrl: slack.apiUrl }), clock).publish(WEEK);
    expect(outcome).toMatchObject({ status: "failed", permanent: false });
    expect((outcome as { reason: string }).reason).toContain("too slow to read the channel history");
    expect(clock.ms).toBeLessThanOrEqual(22_500);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("ignores another app's message that carries the same metadata", async () => {
    slack.seedHistory(CHANNEL, [{ ...ourEarlierPost(WEEK, "c"), user: "U0OTHER", bot_id: "B0OTHER" }]);
    expect(await publisher().publish(WEEK)).toMatchObject({ status: "posted" });
  });

  it("resumes the week claimed by a run that crashed, checking the channel first", async () => {
    // Same pid (a restarted container is pid 1 again) but not a run of this process: abandoned.
    await writeState({
      posts: [],
      claims: [claim({ direction: "b", pid: process.pid, host: os.hostname() })],
    });
    slack.seedHistory(CHANNEL, [ourEarlierPost(WEEK, "b")]); // it had posted before dying
    const p = publisher();
    expect(await p.publish(WEEK)).toMatchObject({ status: "found-in-channel", direction: "b" });
    expect(p.logger.text()).toContain("did not finish");
    expect(slack.callsTo("chat.postMessage")).toHaveLength(0);
    expect((await readState()).claims).toEqual([]);
  });

  it("reuses the crashed run's direction when it had not posted yet", async () => {
    await writeState({ posts: [], claims: [claim({ direction: "c", pid: 99_999_999, host: os.hostname() })] });
    expect(await publisher().publish(WEEK)).toMatchObject({ status: "posted", direction: "c" });
  });

  it("leaves the week to a live run of another process on this host", async () => {
    await writeState({ posts: [], claims: [claim({ direction: "a", pid: process.ppid, host: os.hostname() })] });
    expect(await publisher().publish(WEEK)).toMatchObject({ status: "in-progress" });
    expect(slack.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("takes over a claim whose lease has run out", async () => {
    const expired = { ...claim({ direction: "b", pid: 7, host: "another-host" }), leaseUntil: new Date(Date.now() - 1000).toISOString() };
    await writeState({ posts: [], claims: [expired] });
    expect(await publisher().publish(WEEK)).toMatchObject({ status: "posted", direction: "b" });
  });

  it("leaves the week to a live run on another host", async () => {
    await writeState({ posts: [], claims: [claim({ direction: "a", pid: 7, host: "another-host" })] });
    const p = publisher();
    expect(await p.publish(WEEK)).toMatchObject({ status: "in-progress", owner: "pid 7 on another-host" });
    expect(slack.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("keeps everything in the store: no state file, no lock files", async () => {
    expect(await publisher().publish(WEEK)).toMatchObject({ status: "posted" });
    expect(readdirSync(path.dirname(tmp.dbPath)).filter((name) => !name.startsWith("directions.db"))).toEqual([]);
  });

  it("does not post without a claim when the store cannot be reached, and says so", async () => {
    await store.close();
    const p = publisher();
    const outcome = await p.publish(WEEK);
    expect(outcome).toMatchObject({ status: "failed", permanent: false });
    expect(p.logger.errors[0]).toMatch(/cannot reach the store, so no claim could be made/);
    expect(p.logger.errors[0]).not.toMatch(/\n\s+at /);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(0);
    store = await openTempStore(tmp); // for the cleanup
  });
});

describe("directions without excerpts", () => {
  it("are never posted: the rotation skips them", async () => {
    const corpus = smallCorpus();
    corpus.passages = corpus.passages.filter((passage) => !passage.directions.includes("a"));
    const p = new WeeklyPublisher({
      client: createWeeklyClient("xoxb-test", { apiUrl: slack.apiUrl, timeoutMs: 250 }),
      channel: CHANNEL,
      timeZone: "UTC",
      store,
      content: new DirectionOfTheWeek(fakeSearch(corpus)),
      logger: memoryLogger(),
      sleep: noWait,
    });
    const directions = [];
    for (const week of ["2026-W10", "2026-W11", "2026-W12"]) directions.push(((await p.publish(week)) as { direction: string }).direction);
    expect(directions).toEqual(["b", "c", "b"]);
    corpus.passages = [];
    expect(await p.publish("2026-W13")).toMatchObject({ status: "failed", permanent: true, reason: expect.stringContaining("no direction of the corpus has an excerpt") });
  });
});

describe("two runs at once", () => {
  it("two publishers on the same state file post once", async () => {
    slack.failNext("chat.postMessage", { delayMs: 100 }); // keep the first run busy while the second arrives
    const outcomes = await Promise.all([publisher().publish(WEEK), publisher().publish(WEEK)]);
    expect(posts()).toHaveLength(1);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["in-progress", "posted"]);
  });

  it("five runs racing for the same week post once, and none fails", async () => {
    const outcomes: PublishOutcome[] = await Promise.all(Array.from({ length: 5 }, () => publisher().publish(WEEK)));
    expect(posts()).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === "posted")).toHaveLength(1);
    expect(outcomes.every((o) => ["posted", "in-progress", "already-posted"].includes(o.status))).toBe(true);
    expect((await readState()).posts).toHaveLength(1);
  });

  it("one publisher triggered twice at once (schedule and catch-up) posts once", async () => {
    const p = publisher();
    const [a, b] = await Promise.all([p.publish(WEEK), p.publish(WEEK)]);
    expect([a.status, b.status]).toEqual(["posted", "already-posted"]);
    expect(posts()).toHaveLength(1);
  });
});

function claim(over: { direction: string; pid: number; host: string }) {
  const now = Date.now();
  return {
    week: WEEK,
    cycle: 1,
    channel: CHANNEL,
    runId: "run-of-a-dead-process",
    claimedAt: new Date(now - 5_000).toISOString(),
    leaseUntil: new Date(now + 60_000).toISOString(),
    ...over,
  };
}

/** A publisher with the default retry policy on a virtual clock, which each wait advances (and the test's Slack, by how long it takes). */
function publisherOnClock(client: ReturnType<typeof createWeeklyClient>, clock: { ms: number }) {
  return new WeeklyPublisher({
    client,
    channel: CHANNEL,
    timeZone: "UTC",
    store,
    content: new DirectionOfTheWeek(fakeSearch(smallCorpus())),
    logger: memoryLogger(),
    sleep: async (ms) => void (clock.ms += ms),
    now: () => clock.ms,
  });
}

/** A claim left by a run whose process is gone (a pid that cannot exist on this host). */
function deadClaim(week: string, direction: string, extra: Partial<Claim> = {}): Claim {
  const now = Date.now();
  return {
    week,
    direction,
    cycle: 1,
    channel: CHANNEL,
    runId: "dead-run",
    pid: 2 ** 22 + 1,
    host: os.hostname(),
    claimedAt: new Date(now).toISOString(),
    leaseUntil: new Date(now + 120_000).toISOString(),
    ...extra,
  };
}

/** Moves the sentAt of this week's claim `ms` into the past: time passing, as seen by the publisher. */
async function ageSentAt(ms: number): Promise<void> {
  await store.planWeek(CHANNEL, WEEK, ({ claim }) => ({
    ...(claim ? { claim: { ...claim, ...(claim.sentAt ? { sentAt: new Date(Date.parse(claim.sentAt) - ms).toISOString() } : {}) } } : {}),
    result: undefined,
  }));
}

function postRecord(week: string, direction: string, cycle: number) {
  return { week, direction, cycle, channel: CHANNEL, ts: "1772000000.000100", recordedAt: new Date().toISOString() };
}

/** Puts posts and claims in the store, as earlier runs would have left them. */
async function writeState(state: { posts: PostRecord[]; claims: Claim[] }): Promise<void> {
  await store.importPosts(state.posts);
  for (const claim of state.claims) await store.planWeek(CHANNEL, claim.week, () => ({ claim, result: undefined }));
}

/** A local port with nothing listening: connections are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
