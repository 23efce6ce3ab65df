/**
 * Upgrading: the JSON state file the weekly post kept before the store
 * (DIRECTIONS_STATE, default data/state.json) is imported at first start,
 * with nothing lost, and renamed `.imported`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Store } from "../src/store/index.js";
import { postWeeklyCommand } from "../src/weekly/command.js";
import { importLegacyState } from "../src/weekly/legacy-state.js";
import type { FakeSlack } from "./support/fake-slack.js";
import { eachTestWithSlackAndState, fakeSearch, memoryLogger, noWait, smallCorpus, testPublisher, type TempDir } from "./support/weekly-fixtures.js";

const CHANNEL = "C0WEEKLY1";

let slack: FakeSlack;
let tmp: TempDir;
let store: Store;
eachTestWithSlackAndState((s, t, st) => ([slack, tmp, store] = [s, t, st]));

/** A state file exactly as the earlier versions wrote it: weeks 8 and 9 posted (a, b), and this week (10) too (c); a stale claim. */
const OLD_STATE = {
  version: 1,
  posts: [
    { week: "2026-W08", direction: "a", cycle: 1, channel: CHANNEL, ts: "1771804800.000100", recordedAt: "2026-02-16T09:00:01.000Z" },
    { week: "2026-W09", direction: "b", cycle: 1, channel: CHANNEL, ts: "1772409600.000100", recordedAt: "2026-02-23T09:00:01.000Z", foundInHistory: true },
    { week: "2026-W10", direction: "c", cycle: 1, channel: CHANNEL, ts: "1773014400.000100", recordedAt: "2026-03-02T09:00:01.000Z" },
  ],
  claims: [
    {
      week: "2026-W11",
      direction: "a",
      cycle: 2,
      channel: CHANNEL,
      runId: "r1",
      pid: 4242,
      host: "old-host",
      claimedAt: "2026-03-09T09:00:00.000Z",
      leaseUntil: "2026-03-09T09:02:00.000Z",
    },
  ],
};

function writeOldState(content: string): void {
  mkdirSync(path.dirname(tmp.statePath), { recursive: true });
  writeFileSync(tmp.statePath, content);
}

const publisher = () => testPublisher(slack, store);

describe("importing the old JSON state file", () => {
  it("carries the rotation and this week's record over, renames the file, and does it once", async () => {
    writeOldState(JSON.stringify(OLD_STATE, null, 2));
    const logger = memoryLogger();
    expect(await importLegacyState(tmp.statePath, store, logger)).toBe(3);
    expect(existsSync(tmp.statePath)).toBe(false);
    expect(JSON.parse(readFileSync(`${tmp.statePath}.imported`, "utf8"))).toEqual(OLD_STATE); // kept as it was
    expect(logger.text()).toContain(`imported 3 of the 3 posts of the old state file into the SQLite store; renamed it ${tmp.statePath}.imported`);
    expect((await store.posts(CHANNEL)).map((post) => [post.week, post.direction, post.cycle, post.ts, post.recordedAt, post.foundInHistory ?? false])).toEqual(
      OLD_STATE.posts.map((post) => [post.week, post.direction, post.cycle, post.ts, post.recordedAt, post.foundInHistory ?? false]),
    );
    expect(await importLegacyState(tmp.statePath, store, logger)).toBe(0); // nothing there any more

    // This week's post stands, and the next week continues the rotation: a new cycle, not "a" again from scratch.
    expect(await publisher().publish("2026-W10")).toMatchObject({ status: "already-posted", direction: "c" });
    expect(await publisher().publish("2026-W11")).toMatchObject({ status: "posted", direction: "a" });
    expect((await store.posts(CHANNEL)).at(-1)).toMatchObject({ week: "2026-W11", cycle: 2 });
    expect(slack.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("leaves a corrupt file where it is, says so in one line, and lets the channel rebuild the rotation", async () => {
    writeOldState('{"version":1,"posts":[{"week":"2026-W09"');
    const logger = memoryLogger();
    expect(await importLegacyState(tmp.statePath, store, logger)).toBe(0);
    expect(existsSync(tmp.statePath)).toBe(true);
    expect(logger.errors).toEqual([expect.stringMatching(/DIRECTIONS_STATE=.*state\.json is not valid JSON .*; not imported\. The rotation is rebuilt from our earlier posts in the channel\.$/)]);
    writeOldState(JSON.stringify({ version: 1, posts: "oops" }));
    await importLegacyState(tmp.statePath, store, logger);
    expect(logger.errors[1]).toContain('is corrupt ("posts" is not a list); not imported');
  });

  it("is done by directions post-weekly too, before it posts", async () => {
    writeOldState(JSON.stringify(OLD_STATE));
    let stdout = "";
    const code = await postWeeklyCommand(["--date", "2026-03-04"], {
      env: { SLACK_BOT_TOKEN: "xoxb-test", SLACK_API_URL: slack.apiUrl, DIRECTIONS_CHANNEL: CHANNEL, DIRECTIONS_STATE: tmp.statePath, DIRECTIONS_DB: tmp.dbPath },
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => true },
      loadSearch: () => fakeSearch(smallCorpus()),
      now: () => new Date("2026-03-04T10:00:00Z"),
      sleep: noWait,
    });
    expect(code).toBe(0);
    expect(stdout).toContain("imported 3 of the 3 posts");
    expect(stdout).toMatch(/2026-W10: already posted in channel C0WEEKLY1 \(c, ts 1773014400\.000100\); nothing to do/);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(0);
  });
});
