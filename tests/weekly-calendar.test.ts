import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/config.js";
import { readWeeklyConfig, readWeeklySettings } from "../src/weekly/config.js";
import { nextDirection, type RotationEntry } from "../src/weekly/rotation.js";
import { addWeeks, describeSchedule, firstCronTimeInWeek, formatLocal, holdOf, slotOf } from "../src/weekly/schedule.js";
import { parseClockTime, parseWeekday } from "../src/slack/requests.js";
import { readWeeklyAdmins } from "../src/weekly/config.js";
import type { Subscription } from "../src/store/index.js";
import { isIsoWeek, isoWeekOf, isoWeekOfDate, weekStart, zonedTimeToInstant } from "../src/weekly/week.js";
import { direction } from "./support/weekly-fixtures.js";

describe("ISO week", () => {
  it("numbers weeks as ISO 8601 does, across year boundaries", () => {
    expect(isoWeekOfDate("2026-03-02")).toBe("2026-W10");
    expect(isoWeekOfDate("2026-01-01")).toBe("2026-W01"); // a Thursday
    expect(isoWeekOfDate("2021-01-03")).toBe("2020-W53"); // Sunday of 2020's 53rd week
    expect(isoWeekOfDate("2020-12-31")).toBe("2020-W53");
    expect(isoWeekOfDate("2024-12-30")).toBe("2025-W01"); // Monday already in 2025's week 1
    expect(isoWeekOfDate("2027-01-03")).toBe("2026-W53");
  });

  it("takes the week from the wall clock of the configured zone", () => {
    // Sunday 23:30 in London is already Monday 07:30 in Shanghai.
    const instant = new Date("2026-03-01T23:30:00Z");
    expect(isoWeekOf(instant, "UTC")).toBe("2026-W09");
    expect(isoWeekOf(instant, "Asia/Shanghai")).toBe("2026-W10");
    expect(isoWeekOf(instant, "America/Los_Angeles")).toBe("2026-W09");
  });

  it("rejects dates that do not exist", () => {
    expect(() => isoWeekOfDate("2026-02-30")).toThrow(RangeError);
    expect(() => isoWeekOfDate("2026-3-2")).toThrow(RangeError);
    expect(isIsoWeek("2026-W10")).toBe(true);
    expect(isIsoWeek("2026-W54")).toBe(false);
    expect(isIsoWeek("2025-W53")).toBe(false); // 2025 has 52 weeks
  });

  it("finds the week's start and local times across DST changes", () => {
    expect(weekStart("2026-W10", "Asia/Shanghai").toISOString()).toBe("2026-03-01T16:00:00.000Z");
    expect(zonedTimeToInstant({ year: 2026, month: 3, day: 9, hour: 9, minute: 0, second: 0 }, "America/New_York")?.toISOString()).toBe(
      "2026-03-09T13:00:00.000Z",
    );
    // 02:30 does not exist in New York on 8 March 2026.
    expect(zonedTimeToInstant({ year: 2026, month: 3, day: 8, hour: 2, minute: 30, second: 0 }, "America/New_York")).toBeUndefined();
  });
});

describe("a channel's weekly time", () => {
  it("reads days and times as people type them, and nothing else", () => {
    expect(["mon", "Monday", "mondays", "WED", "thu", "sun"].map(parseWeekday)).toEqual([1, 1, 1, 3, 4, 7]);
    expect(["someday", "m", "mo", "", "monday2", "moonday"].map(parseWeekday)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
    expect(["09:00", "9:05", "23:59", "00:00"].map(parseClockTime)).toEqual([540, 545, 1439, 0]);
    expect(["25:00", "24:00", "9:60", "9", "9am", "09:0"].map(parseClockTime)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it("counts weeks across the year's end, and says times in the channel's zone", () => {
    expect(addWeeks("2026-W52", 1)).toBe("2026-W53");
    expect(addWeeks("2026-W53", 1)).toBe("2027-W01");
    expect(addWeeks("2027-W01", -1)).toBe("2026-W53");
    expect(slotOf({ day: 3, minute: 630 }, "Asia/Shanghai", "2027-W01")?.toISOString()).toBe("2027-01-06T02:30:00.000Z");
    // In a spring-forward gap, the first minute that exists: 03:00 in New York, 02:30 on Lord Howe Island (a 30-minute change).
    expect(slotOf({ day: 7, minute: 130 }, "America/New_York", "2027-W10")?.toISOString()).toBe("2027-03-14T07:00:00.000Z");
    expect(formatLocal(slotOf({ day: 7, minute: 130 }, "Australia/Lord_Howe", "2026-W40")!, "Australia/Lord_Howe")).toBe("Sun 4 Oct 2026, 02:30");
    expect(formatLocal(new Date("2027-01-06T02:30:00Z"), "Asia/Shanghai")).toBe("Wed 6 Jan 2027, 10:30");
    expect(describeSchedule({ day: 3, minute: 630 })).toBe("Wednesdays at 10:30");
  });

  it("holds a week that is paused (for N weeks or until resumed), skipped, or broken", () => {
    const base: Subscription = {
      channel: "C0123456",
      schedule: { day: 1, minute: 540 },
      timeZone: "UTC",
      source: "slack",
      activeFrom: "2027-01-01T00:00:00.000Z",
      createdBy: "U1",
      createdAt: "2027-01-01T00:00:00.000Z",
      updatedBy: "U1",
      updatedAt: "2027-01-01T00:00:00.000Z",
    };
    expect(holdOf({ ...base, paused: { until: "2027-W03" } }, "2027-W02")).toBe("paused");
    expect(holdOf({ ...base, paused: { until: "2027-W03" } }, "2027-W03")).toBeUndefined();
    expect(holdOf({ ...base, paused: {} }, "2030-W01")).toBe("paused");
    expect(holdOf({ ...base, skipWeek: "2027-W02" }, "2027-W02")).toBe("skipped");
    expect(holdOf({ ...base, broken: { reason: "is_archived", since: base.createdAt } }, "2027-W02")).toBe("broken");
    expect(holdOf(base, "2027-W02")).toBeUndefined();
  });

  it("reads DIRECTIONS_ADMINS as user ids, and refuses names", () => {
    expect([...readWeeklyAdmins({ DIRECTIONS_ADMINS: "U0123, W0456  U0789" })]).toEqual(["U0123", "W0456", "U0789"]);
    expect(readWeeklyAdmins({}).size).toBe(0);
    expect(() => readWeeklyAdmins({ DIRECTIONS_ADMINS: "U0123,@anna" })).toThrow(/DIRECTIONS_ADMINS must list user ids such as U0123456789.*"@anna"/);
  });
});

describe("DIRECTIONS_CRON's time in a week", () => {
  it("is Monday 09:00 local by default, in EST and in EDT", () => {
    expect(firstCronTimeInWeek("0 9 * * 1", "America/New_York", "2026-W10")?.toISOString()).toBe("2026-03-02T14:00:00.000Z");
    expect(firstCronTimeInWeek("0 9 * * 1", "America/New_York", "2026-W11")?.toISOString()).toBe("2026-03-09T13:00:00.000Z");
    expect(firstCronTimeInWeek("0 9 * * 1", "America/New_York", "2026-W44")?.toISOString()).toBe("2026-10-26T13:00:00.000Z");
    expect(firstCronTimeInWeek("0 9 * * 1", "America/New_York", "2026-W45")?.toISOString()).toBe("2026-11-02T14:00:00.000Z");
    expect(firstCronTimeInWeek("30 8 * * 3", "Asia/Shanghai", "2026-W10")?.toISOString()).toBe("2026-03-04T00:30:00.000Z");
  });

  it("moves a time inside the spring-forward gap to the first minute that exists, unlike cron", () => {
    // 02:30 does not exist on 8 March 2026 in New York: the first minute that does, 03:00 EDT, keeps the week's post.
    expect(firstCronTimeInWeek("30 2 * * 0", "America/New_York", "2026-W10")?.toISOString()).toBe("2026-03-08T07:00:00.000Z");
    expect(firstCronTimeInWeek("30 2 * * 0", "America/New_York", "2026-W11")?.toISOString()).toBe("2026-03-15T06:30:00.000Z");
  });

  it("handles expressions firing several times a week and not at all in a week", () => {
    expect(firstCronTimeInWeek("*/10 * * * *", "UTC", "2026-W10")?.toISOString()).toBe("2026-03-02T00:00:00.000Z");
    expect(firstCronTimeInWeek("0 9 1 1 *", "UTC", "2026-W10")).toBeUndefined();
  });
});

describe("settings", () => {
  it("is off without DIRECTIONS_CHANNEL and has sensible defaults", () => {
    expect(readWeeklyConfig({}, "/srv/app")).toBeUndefined();
    expect(readWeeklyConfig({ DIRECTIONS_CHANNEL: "C0123456789" }, "/srv/app")).toEqual({
      channel: "C0123456789",
      cron: "0 9 * * 1",
      timeZone: "UTC",
      statePath: "/srv/app/data/state.json",
    });
  });

  it("names the variable when a setting is malformed", () => {
    const bad = (env: Record<string, string>, variable: string) => {
      expect(() => readWeeklySettings(env)).toThrow(ConfigError);
      expect(() => readWeeklySettings(env)).toThrow(variable);
    };
    bad({ DIRECTIONS_CHANNEL: "#general" }, "DIRECTIONS_CHANNEL");
    bad({ DIRECTIONS_CRON: "0 25 * * 1" }, "DIRECTIONS_CRON");
    bad({ DIRECTIONS_CRON: "every monday" }, "DIRECTIONS_CRON");
    bad({ DIRECTIONS_TZ: "Beijing" }, "DIRECTIONS_TZ");
    bad({ DIRECTIONS_TZ: "UTC+8" }, "DIRECTIONS_TZ");
    expect(readWeeklySettings({ DIRECTIONS_TZ: "Asia/Shanghai", DIRECTIONS_CRON: "0 10 * * 2" })).toMatchObject({
      timeZone: "Asia/Shanghai",
      cron: "0 10 * * 2",
    });
  });
});

describe("rotation", () => {
  const abc = [direction("a"), direction("b"), direction("c")];
  const run = (dirs = abc, posts: RotationEntry[] = [], weeks = 1) => {
    const out: RotationEntry[] = [...posts];
    for (let i = 0; i < weeks; i++) {
      const next = nextDirection(dirs, out);
      out.push({ direction: next.direction.id, cycle: next.cycle });
    }
    return out.slice(posts.length);
  };

  it("posts every direction once before any repeats, in corpus order", () => {
    const posted = run(abc, [], 7).map((p) => `${p.direction}${p.cycle}`);
    expect(posted).toEqual(["a1", "b1", "c1", "a2", "b2", "c2", "a3"]);
  });

  it("lets a direction added mid-cycle join the current cycle", () => {
    const first = run(abc, [], 2); // a, b
    const withD = [...abc, direction("d")];
    const rest = run(withD, first, 3).map((p) => `${p.direction}${p.cycle}`);
    expect(rest).toEqual(["c1", "d1", "a2"]);
  });

  it("skips a removed direction without disturbing the others", () => {
    const first = run(abc, [], 1); // a
    const withoutB = abc.filter((d) => d.id !== "b");
    expect(run(withoutB, first, 3).map((p) => `${p.direction}${p.cycle}`)).toEqual(["c1", "a2", "c2"]);
  });

  it("never posts the same direction two weeks running across a cycle boundary", () => {
    const posts: RotationEntry[] = [
      { direction: "b", cycle: 1 },
      { direction: "c", cycle: 1 },
    ];
    const zFirst = [direction("z"), ...abc.slice(1)]; // z added at the top, a removed
    expect(run(zFirst, posts, 3).map((p) => `${p.direction}${p.cycle}`)).toEqual(["z1", "b2", "z2"]);
  });
});
