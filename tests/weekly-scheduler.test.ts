/**
 * The one scheduler for every channel, end to end with a fake clock: real
 * subscriptions (WeeklyChannels) in a real SQLite store, the real publisher,
 * the fake Slack API. Weeks pass in milliseconds: the test jumps the clock to
 * the scheduler's own next wake-up and lets it tick.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store, type StoreConfig } from "../src/store/index.js";
import { WeeklyChannels } from "../src/weekly/channels.js";
import { DirectionOfTheWeek } from "../src/weekly/direction-post.js";
import type { WeeklyPost } from "../src/weekly/post.js";
import { createWeeklyClient } from "../src/weekly/publisher.js";
import { WeeklyScheduler, type SchedulerTiming } from "../src/weekly/scheduler.js";
import { localDateTime } from "../src/weekly/week.js";
import { startFakeSlack, type FakeSlack } from "./support/fake-slack.js";
import { storeEngines } from "./support/stores.js";
import { fakeSearch, memoryLogger, noWait, openTempStore, smallCorpus, tempDir, type TempDir } from "./support/weekly-fixtures.js";

const BERLIN = "C0BERLIN1";
const SHANGHAI = "C0SHANGHAI";
const DAY = 86_400_000;
const content = new DirectionOfTheWeek(fakeSearch(smallCorpus()));

let slack: FakeSlack;
let tmp: TempDir;
let clock: Date;
const now = () => clock;
/** Everything opened by `replica()`, closed after each test. */
let opened: Array<{ store: Store; scheduler: WeeklyScheduler }>;

beforeEach(async () => {
  slack = await startFakeSlack({ now: () => clock.getTime() }); // messages carry the fake clock's time, as Slack's carry the real one
  tmp = tempDir();
  opened = [];
});
afterEach(async () => {
  for (const { store, scheduler } of opened) {
    await scheduler.stop();
    await store.close().catch(() => undefined);
  }
  await slack.close();
  tmp.cleanup();
});

/** A bot process: its own connection to the database (default: the test's SQLite file), its channels and scheduler (a long poll, so that wake-ups are the posts' times). */
async function replica(timing: Partial<SchedulerTiming> = { pollMs: 7 * DAY }, sleep: (ms: number) => Promise<void> = noWait, database?: StoreConfig) {
  const store = database ? await openStore(database) : await openTempStore(tmp);
  const logger = memoryLogger();
  const channels = new WeeklyChannels({ store, content, now });
  const scheduler = new WeeklyScheduler({
    store,
    channels,
    content,
    client: createWeeklyClient("xoxb-test", { apiUrl: slack.apiUrl, timeoutMs: 500 }),
    logger,
    timing,
    now,
    sleep,
    retry: { baseDelayMs: 1, requestTimeoutMs: 500, settleMs: 0 },
  });
  opened.push({ store, scheduler });
  return { store, channels, scheduler, logger };
}

/** Closes a replica, as a restart would. */
async function shutDown(r: { store: Store; scheduler: WeeklyScheduler }) {
  await r.scheduler.stop();
  await r.store.close();
  opened = opened.filter((o) => o.store !== r.store);
}

/** Each weekly post so far: channel, week, and the fake clock when it was made. */
const posts: Array<{ channel: string; week: string; at: Date }> = [];
function notePosts(since: number) {
  for (const call of slack.callsTo("chat.postMessage").slice(since)) {
    const metadata = call.args.metadata as WeeklyPost["metadata"] | undefined;
    if (metadata) posts.push({ channel: String(call.args.channel), week: metadata.event_payload.week, at: clock });
  }
}

/** Runs the schedulers, jumping the clock from one wake-up to the next, until `end`. */
async function runUntil(end: string, ...schedulers: WeeklyScheduler[]) {
  const until = Date.parse(end);
  for (let guard = 0; guard < 2000; guard++) {
    const before = slack.callsTo("chat.postMessage").length;
    await Promise.all(schedulers.map((s) => s.tick()));
    notePosts(before);
    const wakes = schedulers.map((s) => s.nextWake()!.getTime());
    const next = Math.min(...wakes);
    if (next > until) {
      clock = new Date(until);
      return;
    }
    clock = new Date(Math.max(next, clock.getTime() + 1));
  }
  throw new Error("the scheduler woke more than 2,000 times");
}

const local = (at: Date, zone: string) => {
  const l = localDateTime(at, zone);
  return `${new Intl.DateTimeFormat("en-US", { weekday: "short", timeZone: zone }).format(at)} ${String(l.hour).padStart(2, "0")}:${String(l.minute).padStart(2, "0")}`;
};
const postsIn = (channel: string) => posts.filter((p) => p.channel === channel);

beforeEach(() => {
  posts.length = 0;
});

describe("two channels in two time zones", () => {
  it("each gets one post a week at its local hour, for weeks, across a restart and the March DST change", async () => {
    clock = new Date("2027-03-01T00:00:00Z"); // Monday; Europe moves to summer time on Sunday 28 March
    let bot = await replica();
    await bot.channels.here(BERLIN, "U0ANNA", "Europe/Berlin"); // Mondays 09:00
    await bot.channels.here(SHANGHAI, "U0BO", "Asia/Shanghai");
    await bot.channels.setTime(SHANGHAI, "U0BO", { day: 3, minute: 10 * 60 + 30 }); // Wednesdays 10:30

    await runUntil("2027-03-17T00:00:00Z", bot.scheduler);
    await shutDown(bot); // a restart mid-week: Shanghai's W11 post is still to come
    bot = await replica();
    await runUntil("2027-04-15T00:00:00Z", bot.scheduler);

    const berlin = postsIn(BERLIN);
    expect(berlin.map((p) => p.week)).toEqual(["2027-W09", "2027-W10", "2027-W11", "2027-W12", "2027-W13", "2027-W14", "2027-W15"]);
    expect(new Set(berlin.map((p) => local(p.at, "Europe/Berlin")))).toEqual(new Set(["Mon 09:00"]));
    // 08:00 UTC in winter, 07:00 UTC after the change.
    expect(berlin.find((p) => p.week === "2027-W12")!.at.toISOString()).toBe("2027-03-22T08:00:00.000Z");
    expect(berlin.find((p) => p.week === "2027-W13")!.at.toISOString()).toBe("2027-03-29T07:00:00.000Z");

    const shanghai = postsIn(SHANGHAI);
    expect(shanghai.map((p) => p.week)).toEqual(["2027-W09", "2027-W10", "2027-W11", "2027-W12", "2027-W13", "2027-W14", "2027-W15"]);
    expect(new Set(shanghai.map((p) => local(p.at, "Asia/Shanghai")))).toEqual(new Set(["Wed 10:30"]));
    // Each channel has its own rotation, every direction once before any repeats.
    expect(slack.messagesIn(SHANGHAI).map((m) => m.metadata!.event_payload.direction)).toEqual(["a", "b", "c", "a", "b", "c", "a"]);
  });

  it("posts once in the autumn's repeated hour and at the first time that exists in the spring's skipped one", async () => {
    clock = new Date("2027-03-08T00:00:00Z");
    const bot = await replica();
    await bot.channels.here("C0NEWYORK", "U0CY", "America/New_York");
    await bot.channels.setTime("C0NEWYORK", "U0CY", { day: 7, minute: 2 * 60 + 30 }); // Sundays 02:30: 14 March 2027 has none
    await runUntil("2027-03-22T00:00:00Z", bot.scheduler);
    expect(postsIn("C0NEWYORK").map((p) => [p.week, p.at.toISOString()])).toEqual([
      ["2027-W10", "2027-03-14T07:00:00.000Z"], // 03:00 EDT, the first minute after the gap
      ["2027-W11", "2027-03-21T06:30:00.000Z"], // 02:30 EDT
    ]);

    clock = new Date("2027-10-31T00:00:00Z");
    await bot.channels.setTime("C0NEWYORK", "U0CY", { day: 7, minute: 60 + 30 }); // Sundays 01:30: 7 November 2027 has two
    await runUntil("2027-11-08T00:00:00Z", bot.scheduler);
    expect(postsIn("C0NEWYORK").filter((p) => p.week === "2027-W44")).toHaveLength(1);
  });
});

describe("a change of time zone near a week's end", () => {
  it("never brings a second post in the same week of the new zone", async () => {
    clock = new Date("2026-02-16T12:00:00Z");
    const bot = await replica();
    await bot.channels.here(BERLIN, "U0ANNA", "America/Los_Angeles");
    await bot.channels.setTime(BERLIN, "U0ANNA", { day: 7, minute: 20 * 60 }); // Sundays 20:00 in Los Angeles
    await runUntil("2026-02-23T04:05:00Z", bot.scheduler); // posted 2026-W08 on Sunday 22 Feb, 20:00 LA = Monday 13:00 in Tokyo (W09)
    expect(postsIn(BERLIN).map((p) => p.week)).toEqual(["2026-W08"]);
    await bot.channels.setTime(BERLIN, "U0ANNA", { day: 1, minute: 14 * 60 }, "Asia/Tokyo"); // Mondays 14:00 in Tokyo: an hour later
    await runUntil("2026-03-03T00:00:00Z", bot.scheduler);
    expect(postsIn(BERLIN).map((p) => [p.week, local(p.at, "Asia/Tokyo")])).toEqual([
      ["2026-W08", "Mon 13:00"],
      ["2026-W10", "Mon 14:00"], // not W09 too, an hour after the first
    ]);
  });
});

describe("pause, skip, stop", () => {
  it("a skip or stop made while a wake-up is posting other channels holds for that wake-up", async () => {
    clock = new Date("2027-01-04T08:00:00Z");
    let bot: Awaited<ReturnType<typeof replica>>;
    const waits: number[] = [];
    // The spacing wait before the second channel is when the users act.
    bot = await replica({ pollMs: 7 * DAY }, async (ms) => {
      waits.push(ms);
      if (waits.length === 1) {
        await bot.channels.skip("C0BBBBBBB", "U0ANNA");
        await bot.channels.stop("C0CCCCCCC");
      }
    });
    for (const channel of ["C0AAAAAAA", "C0BBBBBBB", "C0CCCCCCC"]) await bot.channels.here(channel, "U0ANNA", "UTC");
    clock = new Date("2027-01-04T09:00:00Z");
    expect((await bot.scheduler.tick()).map((r) => r.channel)).toEqual(["C0AAAAAAA"]);
    expect(slack.callsTo("chat.postMessage").map((c) => c.args.channel)).toEqual(["C0AAAAAAA"]);
  });

  it("pause 2: nothing for two weeks, a post in the third; skip: the next post only; stop: no more", async () => {
    clock = new Date("2027-01-04T08:00:00Z"); // Monday, before 09:00 UTC
    const bot = await replica();
    await bot.channels.here(BERLIN, "U0ANNA", "UTC");
    await bot.channels.pause(BERLIN, "U0ANNA", 2);
    await runUntil("2027-01-25T00:00:00Z", bot.scheduler);
    expect(postsIn(BERLIN).map((p) => p.week)).toEqual(["2027-W03"]);

    await bot.channels.skip(BERLIN, "U0ANNA"); // on Monday 25 January, before 09:00: this week's
    await runUntil("2027-02-08T10:00:00Z", bot.scheduler);
    expect(postsIn(BERLIN).map((p) => p.week)).toEqual(["2027-W03", "2027-W05", "2027-W06"]);

    await bot.channels.stop(BERLIN);
    await runUntil("2027-03-08T10:00:00Z", bot.scheduler);
    expect(postsIn(BERLIN).map((p) => p.week)).toEqual(["2027-W03", "2027-W05", "2027-W06"]);
  });

  it("pause without a number holds until resume, and resume does not post for a time already past this week", async () => {
    clock = new Date("2027-01-04T08:00:00Z");
    const bot = await replica();
    await bot.channels.here(BERLIN, "U0ANNA", "UTC");
    await bot.channels.pause(BERLIN, "U0ANNA");
    await runUntil("2027-02-01T12:00:00Z", bot.scheduler);
    expect(postsIn(BERLIN)).toEqual([]);
    await bot.channels.resume(BERLIN, "U0ANNA");
    await runUntil("2027-02-09T00:00:00Z", bot.scheduler);
    // Resumed on Monday 12:00, after 09:00: that week's post was due while paused and is not made up.
    expect(postsIn(BERLIN).map((p) => p.week)).toEqual(["2027-W06"]);
  });
});

describe("a channel that goes away", () => {
  it("is marked broken with the reason, logged once with the fix, not retried in a loop, and repaired by here", async () => {
    clock = new Date("2027-01-04T08:00:00Z");
    const bot = await replica({ pollMs: 60_000 }); // the real poll: many wake-ups
    await bot.channels.here(BERLIN, "U0ANNA", "UTC");
    slack.setChannelState(BERLIN, "not-member");
    await runUntil("2027-01-05T08:00:00Z", bot.scheduler); // a day of wake-ups, once a minute
    const status = await bot.channels.status(BERLIN);
    expect(status?.subscription.broken?.reason).toBe("not_in_channel");
    expect(status?.next).toBeUndefined();
    const tries = slack.calls.filter((c) => c.args.channel === BERLIN);
    expect(tries.length).toBeLessThanOrEqual(3); // rotation check, history check, the refused post
    expect(bot.logger.errors).toHaveLength(1);
    expect(bot.logger.errors[0]).toMatch(
      /NOT posted: Slack said not_in_channel: invite the bot to channel C0BERLIN1: \/invite @directions\. Channel C0BERLIN1 is marked broken: nothing more is posted there until someone runs \/directions weekly here in it\.$/,
    );

    slack.setChannelState(BERLIN, "member");
    await bot.channels.here(BERLIN, "U0ANNA", "UTC");
    await shutDown(bot);
    const restarted = await replica(); // a long poll, to run a week quickly
    await runUntil("2027-01-12T00:00:00Z", restarted.scheduler);
    expect(postsIn(BERLIN).map((p) => p.week)).toEqual(["2027-W02"]); // this week's time passed while broken: the next one
  });

  it.each([["archived", "is_archived"], ["deleted", "channel_not_found"]] as const)("%s: broken with %s", async (state, reason) => {
    clock = new Date("2027-01-04T10:00:00Z");
    const bot = await replica();
    await bot.channels.here(BERLIN, "U0ANNA", "UTC");
    await bot.channels.setTime(BERLIN, "U0ANNA", { day: 1, minute: 11 * 60 });
    slack.setChannelState(BERLIN, state);
    await runUntil("2027-01-20T00:00:00Z", bot.scheduler);
    expect((await bot.channels.status(BERLIN))?.subscription.broken?.reason).toBe(reason);
    expect(slack.callsTo("chat.postMessage").filter((c) => c.args.channel === BERLIN).length).toBeLessThanOrEqual(1);
  });
});

const { engines } = storeEngines();

describe.each(engines)("two replicas on one $name database", (engine) => {
  it.skipIf(engine.skip !== undefined)("post once per channel per week, and see each other's changes", async () => {
    clock = new Date("2027-01-04T08:00:00Z");
    const database = await engine.fresh();
    const one = await replica(undefined, noWait, database);
    const two = await replica(undefined, noWait, database);
    await one.channels.here(BERLIN, "U0ANNA", "UTC");
    await two.channels.here(SHANGHAI, "U0BO", "Asia/Shanghai");
    await runUntil("2027-01-26T00:00:00Z", one.scheduler, two.scheduler);
    expect(postsIn(BERLIN).map((p) => p.week)).toEqual(["2027-W01", "2027-W02", "2027-W03", "2027-W04"]);
    expect(postsIn(SHANGHAI).map((p) => p.week)).toEqual(["2027-W02", "2027-W03", "2027-W04"]); // turned on after Monday 09:00 Shanghai
    expect(slack.messagesIn(BERLIN)).toHaveLength(4);
  });
});

describe("the scheduler and Slack's limits", () => {

  it("wakes within a minute by default, so a change made on another replica is picked up", async () => {
    clock = new Date("2027-01-04T08:00:00Z");
    const one = await replica({});
    const other = await replica({});
    await one.scheduler.tick();
    expect(one.scheduler.nextWake()!.getTime() - clock.getTime()).toBeLessThanOrEqual(60_000);
    await other.channels.here(BERLIN, "U0ANNA", "UTC"); // on the other replica
    clock = new Date("2027-01-04T09:00:00Z");
    expect((await one.scheduler.tick()).map((r) => [r.channel, r.outcome.status])).toEqual([[BERLIN, "posted"]]);
  });

  it("a channel it cannot handle (a zone this Node does not know) is logged and does not hold up the others", async () => {
    clock = new Date("2027-01-04T08:00:00Z");
    const bot = await replica();
    await bot.channels.here("C0AAAAAAA", "U0ANNA", "UTC");
    await bot.store.changeSubscription("C0AAAAAAA", (current) => ({ ...current!, timeZone: "Mars/Olympus" }));
    await bot.channels.here("C0BBBBBBB", "U0ANNA", "UTC");
    clock = new Date("2027-01-04T09:00:00Z");
    expect((await bot.scheduler.tick()).map((r) => [r.channel, r.outcome.status])).toEqual([["C0BBBBBBB", "posted"]]);
    expect(bot.logger.errors.some((line) => line.startsWith("Direction of the week: channel C0AAAAAAA skipped this time:"))).toBe(true);
  });

  it("while the database is down, says so once, and posts the week once it is back", async () => {
    clock = new Date("2027-01-04T08:00:00Z");
    const bot = await replica({});
    await bot.channels.here(BERLIN, "U0ANNA", "UTC");
    const read = bot.store.subscriptions.bind(bot.store);
    let down = true;
    bot.store.subscriptions = () => (down ? Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")) : read());
    clock = new Date("2027-01-04T09:00:00Z");
    for (let minute = 0; minute < 5; minute++) expect(await bot.scheduler.tick()).toEqual([]);
    expect(bot.logger.errors).toEqual(["Direction of the week: cannot read the channels from the store (connect ECONNREFUSED 127.0.0.1:5432); trying again every minute."]);
    expect(bot.scheduler.nextWake()!.getTime() - clock.getTime()).toBe(60_000);
    down = false;
    expect((await bot.scheduler.tick()).map((r) => r.outcome.status)).toEqual(["posted"]);
    expect(bot.logger.text()).toContain("info Direction of the week: the store answers again.");
  });

  it("spreads posts due in the same minute and waits out Slack's Retry-After", async () => {
    clock = new Date("2027-01-04T08:00:00Z");
    const waits: number[] = [];
    const bot = await replica({ pollMs: 7 * DAY }, async (ms) => void waits.push(ms));
    for (const channel of ["C0AAAAAAA", "C0BBBBBBB", "C0CCCCCCC"]) await bot.channels.here(channel, "U0ANNA", "UTC");
    slack.failNext("chat.postMessage", { status: 429, retryAfter: 30 });
    clock = new Date("2027-01-04T09:00:00Z");
    const report = await bot.scheduler.tick();
    expect(report.map((r) => r.outcome.status)).toEqual(["posted", "posted", "posted"]);
    expect(waits.some((ms) => ms >= 30_000)).toBe(true); // Retry-After: 30
    expect(waits.filter((ms) => ms >= 1_000).length).toBeGreaterThanOrEqual(2); // spaced
    expect(slack.callsTo("chat.postMessage")).toHaveLength(4);
  });
});

describe("DIRECTIONS_CHANNEL", () => {
  it("keeps posting as the deployment's subscription, catching up at start, with no change on the deployment's side", async () => {
    clock = new Date("2027-01-06T10:00:00Z"); // Wednesday: Monday 09:00 was missed while the bot was down
    const bot = await replica();
    await bot.channels.syncDeployment({ channel: "C0DEPLOY1", cron: "0 9 * * 1", timeZone: "Europe/Berlin", statePath: tmp.statePath });
    await runUntil("2027-01-19T00:00:00Z", bot.scheduler);
    expect(postsIn("C0DEPLOY1").map((p) => [p.week, local(p.at, "Europe/Berlin")])).toEqual([
      ["2027-W01", "Wed 11:00"],
      ["2027-W02", "Mon 09:00"],
      ["2027-W03", "Mon 09:00"],
    ]);
    expect(await bot.channels.stop("C0DEPLOY1")).toEqual({ kind: "deployment" });
  });

  it("a restart with a new DIRECTIONS_TZ after the week's time still posts that week", async () => {
    clock = new Date("2027-01-04T10:00:00Z"); // Monday, after 09:00 UTC: the bot was down at its time
    const bot = await replica();
    await bot.channels.syncDeployment({ channel: "C0DEPLOY1", cron: "0 9 * * 1", timeZone: "UTC", statePath: tmp.statePath });
    await bot.channels.syncDeployment({ channel: "C0DEPLOY1", cron: "0 9 * * 1", timeZone: "Europe/London", statePath: tmp.statePath });
    await runUntil("2027-01-05T00:00:00Z", bot.scheduler);
    expect(postsIn("C0DEPLOY1").map((p) => p.week)).toEqual(["2027-W01"]);
  });

  it("without DIRECTIONS_CHANNEL, the deployment's channel stops, or goes back to the schedule of whoever turned it on in Slack", async () => {
    clock = new Date("2027-01-04T10:00:00Z");
    const bot = await replica();
    await bot.channels.here("C0SLACKED1", "U0ANNA", "UTC"); // turned on in Slack first
    for (const channel of ["C0SLACKED1", "C0DEPLOY1"]) {
      await bot.channels.syncDeployment({ channel, cron: "0 9 * * 1", timeZone: "UTC", statePath: tmp.statePath });
    }
    await bot.channels.syncDeployment(undefined);
    const left = await bot.channels.all();
    expect(left.map((s) => [s.subscription.channel, s.subscription.source, s.subscription.createdBy])).toEqual([["C0SLACKED1", "slack", "U0ANNA"]]);
  });
});
