import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { WeeklyConfig } from "../src/weekly/config.js";
import type { PublishOutcome } from "../src/weekly/publisher.js";
import { startWeeklyJob, type WeeklyJob } from "../src/weekly/scheduler.js";
import { startFakeSlack, type FakeSlack } from "./support/fake-slack.js";
import type { Store } from "../src/store/index.js";
import { fakeSearch, memoryLogger, openTempStore, smallCorpus, tempDir, testPublisher } from "./support/weekly-fixtures.js";

const CHANNEL = "C0WEEKLY1";
const DAY = 86_400_000;

let tmp: ReturnType<typeof tempDir>;
let job: WeeklyJob | undefined;

beforeEach(() => {
  tmp = tempDir();
});
afterEach(async () => {
  await job?.stop();
  job = undefined;
  vi.useRealTimers();
  tmp.cleanup();
});

function config(over: Partial<WeeklyConfig> = {}): WeeklyConfig {
  return { channel: CHANNEL, cron: "0 9 * * 1", timeZone: "UTC", statePath: tmp.statePath, ...over };
}

/** Records when (on the faked clock) and for which week the job asked for a post. */
function recordingPublisher(result: (week: string) => PublishOutcome = (week) => ({ status: "posted", week, direction: "a", ts: "1.0" })) {
  const calls: Array<{ at: string; week: string }> = [];
  return {
    calls,
    publish: async (week: string) => {
      calls.push({ at: new Date().toISOString(), week });
      return result(week);
    },
  };
}

describe("the schedule (fake clock)", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  });

  it("fires Monday 09:00 in the configured zone, before and after the March DST change", async () => {
    vi.setSystemTime(new Date("2026-03-02T10:00:00Z")); // Monday 05:00 in New York: not yet due
    const publisher = recordingPublisher();
    job = startWeeklyJob({ config: config({ timeZone: "America/New_York" }), search: fakeSearch(smallCorpus()), publisher, logger: memoryLogger() });
    expect(await job.catchUp).toBeUndefined();
    await vi.advanceTimersByTimeAsync(14 * DAY);
    expect(publisher.calls).toEqual([
      { at: "2026-03-02T14:00:00.000Z", week: "2026-W10" }, // 09:00 EST
      { at: "2026-03-09T13:00:00.000Z", week: "2026-W11" }, // 09:00 EDT, after 8 March
    ]);
  });

  it("fires at 09:00 local across the November DST change too", async () => {
    vi.setSystemTime(new Date("2026-10-26T09:00:00Z")); // Monday 05:00 EDT
    const publisher = recordingPublisher();
    job = startWeeklyJob({ config: config({ timeZone: "America/New_York" }), search: fakeSearch(smallCorpus()), publisher, logger: memoryLogger() });
    await job.catchUp;
    await vi.advanceTimersByTimeAsync(14 * DAY);
    expect(publisher.calls).toEqual([
      { at: "2026-10-26T13:00:00.000Z", week: "2026-W44" },
      { at: "2026-11-02T14:00:00.000Z", week: "2026-W45" }, // EST since 1 November
    ]);
  });

  it("counts the week in the zone: Monday 07:30 in Shanghai is still Sunday in UTC", async () => {
    vi.setSystemTime(new Date("2026-03-01T16:10:00Z")); // Monday 00:10 in Shanghai: W10 has begun, 07:30 not yet due
    const publisher = recordingPublisher();
    job = startWeeklyJob({
      config: config({ timeZone: "Asia/Shanghai", cron: "30 7 * * 1" }),
      search: fakeSearch(smallCorpus()),
      publisher,
      logger: memoryLogger(),
    });
    await job.catchUp;
    await vi.advanceTimersByTimeAsync(DAY);
    expect(publisher.calls).toEqual([{ at: "2026-03-01T23:30:00.000Z", week: "2026-W10" }]);
  });

  it("after a post with an unknown outcome, checks again as soon as the check can be trusted", async () => {
    vi.setSystemTime(new Date("2026-03-02T08:59:00Z"));
    let first = true;
    const publisher = recordingPublisher((week) => {
      if (!first) return { status: "found-in-channel", week, direction: "a", ts: "1.0" };
      first = false;
      return { status: "unknown", week, direction: "a", checkAfter: "2026-03-02T09:02:00.000Z" };
    });
    job = startWeeklyJob({ config: config(), search: fakeSearch(smallCorpus()), publisher, logger: memoryLogger() });
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(publisher.calls.map((c) => c.at)).toEqual(["2026-03-02T09:00:00.000Z", "2026-03-02T09:02:05.000Z"]);
  });

  it("tries a failed week again later the same week, and stops for good on stop()", async () => {
    vi.setSystemTime(new Date("2026-03-02T08:59:00Z"));
    let failures = 2;
    const publisher = recordingPublisher((week) =>
      failures-- > 0
        ? { status: "failed", week, permanent: failures === 0, reason: "test" }
        : { status: "posted", week, direction: "a", ts: "1.0" },
    );
    job = startWeeklyJob({ config: config(), search: fakeSearch(smallCorpus()), publisher, logger: memoryLogger() });
    await vi.advanceTimersByTimeAsync(12 * 60 * 60_000);
    expect(publisher.calls.map((c) => c.at)).toEqual([
      "2026-03-02T09:00:00.000Z", // scheduled: transient failure
      "2026-03-02T09:15:00.000Z", // 15 min later: permanent failure
      "2026-03-02T15:15:00.000Z", // 6 h later: posted
    ]);
    await job.stop();
    job = undefined;
    await vi.advanceTimersByTimeAsync(14 * DAY);
    expect(publisher.calls).toHaveLength(3);
  });
});

describe("start-up catch-up (real publisher, fake Slack)", () => {
  let slack: FakeSlack;
  let store: Store;
  beforeEach(async () => {
    slack = await startFakeSlack();
    store = await openTempStore(tmp);
  });
  afterEach(async () => {
    await job?.stop();
    job = undefined;
    await store.close();
    await slack.close();
  });

  const start = (now: string, cron = "0 9 * * 1") =>
    startWeeklyJob({
      config: config({ cron }),
      search: fakeSearch(smallCorpus()),
      publisher: testPublisher(slack, store),
      now: () => new Date(now),
      logger: memoryLogger(),
    });
  const posts = () => slack.callsTo("chat.postMessage");

  it("posts on start when the bot was down at this week's scheduled time, and a restart mid-week posts nothing", async () => {
    job = start("2026-03-04T10:00:00Z"); // Wednesday; Monday 09:00 was missed
    expect(await job.catchUp).toMatchObject({ status: "posted", week: "2026-W10" });
    await job.stop();

    job = start("2026-03-05T16:00:00Z"); // restarted on Thursday
    expect(await job.catchUp).toMatchObject({ status: "already-posted", week: "2026-W10" });
    expect(posts()).toHaveLength(1);
  });

  it("does not post on start before this week's scheduled time", async () => {
    job = start("2026-03-02T08:59:00Z");
    expect(await job.catchUp).toBeUndefined();
    expect(slack.calls).toHaveLength(0);
  });

  it("does not back-fill weeks long past", async () => {
    job = start("2026-03-04T10:00:00Z");
    await job.catchUp;
    await job.stop();
    // Down for three weeks: W11 and W12 were missed; on start in W13 only W13 is posted.
    job = start("2026-03-25T10:00:00Z");
    expect(await job.catchUp).toMatchObject({ status: "posted", week: "2026-W13", direction: "b" });
    expect(posts().map((c) => (c.args.metadata as { event_payload: { week: string } }).event_payload.week)).toEqual([
      "2026-W10",
      "2026-W13",
    ]);
  });
});
