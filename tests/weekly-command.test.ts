import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadCorpus } from "../src/corpus/load.js";
import { DirectionsSearch } from "../src/search/engine.js";
import { postWeeklyCommand, type PostWeeklyIo } from "../src/weekly/command.js";
import { checkPostLimits, type WeeklyPost } from "../src/weekly/post.js";
import { DirectionOfTheWeek } from "../src/weekly/direction-post.js";
import { createWeeklyClient, WeeklyPublisher } from "../src/weekly/publisher.js";
import type { Store } from "../src/store/index.js";
import { WeeklyChannels } from "../src/weekly/channels.js";
import type { FakeSlack } from "./support/fake-slack.js";
import { eachTestWithSlackAndState, fakeSearch, memoryLogger, noWait, smallCorpus, type TempDir } from "./support/weekly-fixtures.js";

const CHANNEL = "C0WEEKLY1";

let slack: FakeSlack;
let tmp: TempDir;
let store: Store;
eachTestWithSlackAndState((s, t, st) => ([slack, tmp, store] = [s, t, st]));

/** Runs the command like the CLI would, capturing what the admin sees. */
async function run(args: string[], env: Record<string, string | undefined> = {}, io: Partial<PostWeeklyIo> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await postWeeklyCommand(args, {
    env: {
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_API_URL: slack.apiUrl,
      DIRECTIONS_CHANNEL: CHANNEL,
      DIRECTIONS_STATE: tmp.statePath,
      DIRECTIONS_DB: tmp.dbPath,
      ...env,
    },
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    loadSearch: () => fakeSearch(smallCorpus()),
    now: () => new Date("2026-03-04T10:00:00Z"),
    retry: { baseDelayMs: 1, requestTimeoutMs: 500 },
    sleep: noWait,
    ...io,
  });
  return { code, stdout, stderr };
}

describe("directions post-weekly", () => {
  it("posts once: run twice in the same week, the second run posts nothing, says so and exits 0", async () => {
    const first = await run([]);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toMatch(/2026-W10: posted a to channel C0WEEKLY1/);
    const second = await run(["--date", "2026-03-08"]); // Sunday of the same week
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/2026-W10: already posted in channel C0WEEKLY1 \(a, ts .*\); nothing to do/);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("two runs at once post once and both report success", async () => {
    slack.failNext("chat.postMessage", { delayMs: 150 });
    const shortWaits = { sleep: () => new Promise<void>((resolve) => setTimeout(resolve, 20)) };
    const [a, b] = await Promise.all([run([], {}, shortWaits), run([], {}, shortWaits)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stdout + b.stdout).toMatch(/the other run posted it \(a, ts/);
    expect(slack.messagesIn(CHANNEL)).toHaveLength(1);
  });

  it("--date picks the week containing that date", async () => {
    expect((await run(["--date=2026-03-26"])).code).toBe(0);
    const meta = slack.callsTo("chat.postMessage")[0]!.args.metadata as WeeklyPost["metadata"];
    expect(meta.event_payload.week).toBe("2026-W13");
  });

  it("asks for --force before posting for a date more than four weeks from today", async () => {
    for (const date of ["1970-01-01", "2026-12-31"]) {
      const { code, stderr } = await run(["--date", date]);
      expect(code).toBe(2);
      expect(stderr).toMatch(new RegExp(`--date ${date} is \\d+ days from today; add --force to post for week \\d{4}-W\\d\\d anyway`));
    }
    expect(slack.calls).toHaveLength(0);
    expect((await run(["--date", "2026-12-31", "--dry-run"])).code).toBe(0); // a dry run harms nobody
    expect((await run(["--date", "2026-12-31", "--force"])).code).toBe(0);
    const meta = slack.callsTo("chat.postMessage")[0]!.args.metadata as WeeklyPost["metadata"];
    expect(meta.event_payload.week).toBe("2026-W53");
  });

  it("--dry-run prints the post readably, posts nothing and needs no Slack settings", async () => {
    const { code, stdout } = await run(["--dry-run"], { SLACK_BOT_TOKEN: undefined, DIRECTIONS_CHANNEL: undefined, SLACK_API_URL: undefined });
    expect(code).toBe(0);
    expect(stdout).toContain("Dry run: nothing is posted");
    expect(stdout).toContain('Would post direction "a" (rotation cycle 1)');
    expect(stdout).toContain("Direction a · 方向a\n====");
    expect(stdout).toContain("— Bo (https://www.zhihu.com/answer/a-1)");
    expect(stdout).not.toContain('"blocks"');
    expect(slack.calls).toHaveLength(0);
    expect(existsSync(tmp.statePath)).toBe(false);
  });

  it("--dry-run after the week was posted says a real run would post nothing", async () => {
    await run([]);
    const { code, stdout } = await run(["--dry-run"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Already posted this week (a, ts");
    expect(slack.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("answers bad flags with the usage and exit code 2", async () => {
    for (const args of [["--bogus"], ["--date"], ["--date", "2026-02-30"], ["now"]]) {
      const { code, stderr } = await run(args);
      expect(code).toBe(2);
      expect(stderr).toContain("Usage: directions post-weekly [--channel C…] [--date YYYY-MM-DD [--force]] [--dry-run]");
    }
    expect((await run(["--help"])).stdout).toContain("Usage: directions post-weekly");
    expect(slack.calls).toHaveLength(0);
  });

  it("says which setting is missing or wrong", async () => {
    const noToken = await run([], { SLACK_BOT_TOKEN: undefined });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("SLACK_BOT_TOKEN is not set");
    const noChannel = await run([], { DIRECTIONS_CHANNEL: undefined });
    expect(noChannel.code).toBe(2);
    expect(noChannel.stderr).toContain("DIRECTIONS_CHANNEL is not set");
    const badZone = await run([], { DIRECTIONS_TZ: "Mars/Olympus" });
    expect(badZone.code).toBe(2);
    expect(badZone.stderr).toContain("DIRECTIONS_TZ");
    expect(slack.calls).toHaveLength(0);
  });

  it("exits non-zero with the fix when Slack refuses, and the week can still be posted later", async () => {
    slack.failNext("chat.postMessage", { error: "channel_not_found" });
    const failed = await run([]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/NOT posted \(a\): Slack said channel_not_found: check DIRECTIONS_CHANNEL=C0WEEKLY1/);
    expect((await run([])).code).toBe(0);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(2);
    expect(slack.messagesIn(CHANNEL)).toHaveLength(1);
  });

  it("exits non-zero when Slack is unreachable", async () => {
    await slack.close();
    const { code, stderr } = await run([]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/NOT posted/);
  });
});

describe("directions post-weekly with channels turned on from Slack", () => {
  /** Subscriptions made the Sunday before the test's Wednesday, as /directions weekly would. */
  const subscribe = async () => {
    const channels = new WeeklyChannels({ store, content: new DirectionOfTheWeek(fakeSearch(smallCorpus())), now: () => new Date("2026-03-01T12:00:00Z") });
    await channels.here("C0MONDAY1", "U0ANNA", "UTC"); // Mondays 09:00: due on Wednesday
    await channels.here("C0FRIDAY1", "U0ANNA", "UTC");
    await channels.setTime("C0FRIDAY1", "U0ANNA", { day: 5, minute: 9 * 60 }); // Fridays 09:00: not yet
    await channels.here("C0PAUSED1", "U0ANNA", "UTC");
    await channels.pause("C0PAUSED1", "U0ANNA");
  };
  const postedTo = () => slack.callsTo("chat.postMessage").map((c) => String(c.args.channel)).sort();

  it("posts what is due: DIRECTIONS_CHANNEL, and each channel whose time has come this week, once", async () => {
    await subscribe();
    const first = await run([]);
    expect(first.code).toBe(0);
    expect(postedTo()).toEqual(["C0MONDAY1", CHANNEL]);
    expect(first.stdout).toMatch(/channel C0FRIDAY1: its next post is Fri 6 Mar 2026, 09:00 \(UTC\); nothing to do/);
    expect(first.stdout).toMatch(/channel C0PAUSED1: week 2026-W10 is paused/);
    expect((await run([])).code).toBe(0);
    expect(postedTo()).toEqual(["C0MONDAY1", CHANNEL]);
  });

  it("--channel posts that channel now, even before its time; a channel that is not subscribed is refused", async () => {
    await subscribe();
    const named = await run(["--channel", "C0FRIDAY1"]);
    expect(named.code).toBe(0);
    expect(postedTo()).toEqual(["C0FRIDAY1"]);
    const unknown = await run(["--channel", "C0NOBODY1,C0FRIDAY1"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("C0NOBODY1 does not receive the weekly post: run /directions weekly here in that channel first");
    expect((await run(["--channel", "#general"])).stderr).toContain('--channel takes channel ids such as C0123456789 (got "#general")');
  });

  it("works without DIRECTIONS_CHANNEL when channels turned the post on from Slack, and marks a channel that went away as broken", async () => {
    await subscribe();
    slack.setChannelState("C0MONDAY1", "archived");
    const { code, stderr } = await run([], { DIRECTIONS_CHANNEL: undefined });
    expect(code).toBe(1);
    expect(stderr).toMatch(/NOT posted \(a\): Slack said is_archived: channel C0MONDAY1 is archived/);
    expect((await store.subscription("C0MONDAY1"))?.broken?.reason).toBe("is_archived");
    expect(postedTo()).toEqual(["C0MONDAY1"]); // the refused attempt only
  });

  it("a run without DIRECTIONS_CHANNEL posts the deployment's channel only at its own time", async () => {
    const channels = new WeeklyChannels({ store, content: new DirectionOfTheWeek(fakeSearch(smallCorpus())) });
    await channels.syncDeployment({ channel: "C0DEPLOY1", cron: "0 17 * * 5", timeZone: "UTC", statePath: tmp.statePath }); // as the bot did
    const { code, stdout } = await run([], { DIRECTIONS_CHANNEL: undefined });
    expect(code).toBe(0);
    expect(stdout).toContain("channel C0DEPLOY1: its next post is Fri 6 Mar 2026, 17:00 (UTC); nothing to do");
    expect(slack.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("--dry-run lists each channel's plan and changes nothing", async () => {
    await subscribe();
    const { code, stdout } = await run(["--dry-run"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Week 2026-W10 (UTC), channel C0FRIDAY1.");
    expect(stdout).toContain("A real run would post nothing now: its next post is Fri 6 Mar 2026, 09:00 (UTC)");
    expect(stdout).toContain("Week 2026-W10 (UTC), channel C0MONDAY1.");
    expect(slack.calls).toHaveLength(0);
  });
});

describe("with the real corpus and search engine", async () => {
  const search = await DirectionsSearch.build(loadCorpus());
  const realPublisher = () =>
    new WeeklyPublisher({
      client: createWeeklyClient("xoxb-test", { apiUrl: slack.apiUrl }),
      channel: CHANNEL,
      timeZone: "UTC",
      store,
      content: new DirectionOfTheWeek(search),
      logger: memoryLogger(),
      sleep: noWait,
    });

  it("goes through every direction of the corpus once, each post valid, before repeating", async () => {
    const publisher = realPublisher();
    const ids = search.corpus.directions.map((d) => d.id);
    const posted: string[] = [];
    for (let i = 0; i <= ids.length; i++) {
      const week = `2027-W${String(i + 1).padStart(2, "0")}`;
      posted.push(((await publisher.publish(week)) as { direction: string }).direction);
    }
    expect(posted.slice(0, ids.length)).toEqual(ids);
    expect(posted[ids.length]).toBe(ids[0]);
    for (const call of slack.callsTo("chat.postMessage")) {
      const post = { text: call.args.text, blocks: call.args.blocks, metadata: call.args.metadata } as WeeklyPost;
      expect(checkPostLimits(post)).toEqual([]);
      const authors = post.blocks.flatMap((b) => (b.type === "section" && b.text?.text.startsWith("> ") ? [b.text.text.split("|").at(-1)] : []));
      expect(authors.length).toBeGreaterThanOrEqual(1);
      expect(new Set(authors).size).toBe(authors.length);
    }
  });

  it("posts the first direction of the corpus to the fake Slack within limits", async () => {
    const publisher = realPublisher();
    const outcome = await publisher.publish("2026-W10");
    expect(outcome).toMatchObject({ status: "posted", direction: search.corpus.directions[0]!.id });
    const call = slack.callsTo("chat.postMessage")[0]!;
    const post = { text: call.args.text, blocks: call.args.blocks, metadata: call.args.metadata } as WeeklyPost;
    expect(checkPostLimits(post)).toEqual([]);
    expect(post.blocks.filter((b) => b.type === "section" && b.text?.text.startsWith("> ")).length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(post)).not.toMatch(/<!channel>|<!here>|<!everyone>/);
    // Each excerpt in English, the author's original beneath it; the translation named once.
    post.blocks.forEach((block, i) => {
      if (block.type !== "section" || !block.text?.text.startsWith("> ")) return;
      expect(block.text.text).not.toMatch(/\p{Script=Han}{3}/u);
      const beneath = post.blocks[i + 1]!;
      expect(beneath.type === "context" && "text" in beneath.elements[0]! && beneath.elements[0].text).toMatch(/^原文: \p{Script=Han}|^原文: .*\p{Script=Han}{3}/u);
    });
    expect(JSON.stringify(post).split("the directions project's translation").length - 1).toBe(1);
    expect(JSON.stringify(post)).not.toContain("search arXiv"); // every direction has papers now
  });

  it("post-weekly --dry-run shows the real post", async () => {
    const { code, stdout } = await run(["--dry-run"], {}, { loadSearch: () => search });
    expect(code).toBe(0);
    expect(stdout).toContain(search.corpus.directions[0]!.name.en);
    expect(stdout).toContain("Papers to read");
  });
});
