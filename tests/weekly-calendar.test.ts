import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/config.js";
import { readWeeklyConfig, readWeeklySettings } from "../src/weekly/config.js";
import { nextDirection, type RotationEntry } from "../src/weekly/rotation.js";
import { firstScheduledTimeInWeek } from "../src/weekly/scheduler.js";
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

describe("scheduled time of a week (for the start-up catch-up)", () => {
  it("is Monday 09:00 local by default, in EST and in EDT", () => {
    expect(firstScheduledTimeInWeek("0 9 * * 1", "America/New_York", "2026-W10")?.toISOString()).toBe("2026-03-02T14:00:00.000Z");
    expect(firstScheduledTimeInWeek("0 9 * * 1", "America/New_York", "2026-W11")?.toISOString()).toBe("2026-03-09T13:00:00.000Z");
    expect(firstScheduledTimeInWeek("0 9 * * 1", "America/New_York", "2026-W44")?.toISOString()).toBe("2026-10-26T13:00:00.000Z");
    expect(firstScheduledTimeInWeek("0 9 * * 1", "America/New_York", "2026-W45")?.toISOString()).toBe("2026-11-02T14:00:00.000Z");
    expect(firstScheduledTimeInWeek("30 8 * * 3", "Asia/Shanghai", "2026-W10")?.toISOString()).toBe("2026-03-04T00:30:00.000Z");
  });

  it("skips a time inside the spring-forward gap, as node-cron does", () => {
    // Sunday 8 March 2026 02:30 does not exist in New York.
    expect(firstScheduledTimeInWeek("30 2 * * 0", "America/New_York", "2026-W10")).toBeUndefined();
    expect(firstScheduledTimeInWeek("30 2 * * 0", "America/New_York", "2026-W11")?.toISOString()).toBe("2026-03-15T06:30:00.000Z");
  });

  it("handles expressions firing several times a week and not at all in a week", () => {
    expect(firstScheduledTimeInWeek("*/10 * * * *", "UTC", "2026-W10")?.toISOString()).toBe("2026-03-02T00:00:00.000Z");
    expect(firstScheduledTimeInWeek("0 9 1 1 *", "UTC", "2026-W10")).toBeUndefined();
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
