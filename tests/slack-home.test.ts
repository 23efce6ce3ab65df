/**
 * The App Home tab: the real app in HTTP mode gets a signed `app_home_opened`
 * event and publishes the user's Home view to the fake Slack (which refuses a
 * view of more than 100 blocks, as Slack does), with the weekly channels in a
 * real SQLite store and a fixed clock for them.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Direction } from "../src/corpus/types.js";
import type { SearchLike } from "../src/slack/answers.js";
import { LIMITS, viewLimitProblems, type Block, type SlackView } from "../src/slack/block-kit.js";
import { directionLabel, papersText, summaryText } from "../src/slack/blocks.js";
import { RecentSearches } from "../src/slack/recent-searches.js";
import type { Store } from "../src/store/index.js";
import { WeeklyChannels } from "../src/weekly/channels.js";
import { DirectionOfTheWeek, type WeeklySearch } from "../src/weekly/direction-post.js";
import { realSearch, SIGNING_SECRET, startHttpHarness, visibleText, type HttpHarness, type ReplyLike } from "./support/app-harness.js";
import { FAKE_BOT_USER_ID } from "./support/fake-slack.js";
import { appHomeOpened, appMention, postEvent, postSlashCommand, TEST_USER_ID } from "./support/slack-requests.js";
import { corpusOf, direction, fakeSearch, openTempStore, tempDir, type TempDir } from "./support/weekly-fixtures.js";

/** Wednesday of ISO week 2026-W10, 10:00 UTC (18:00 in Shanghai, 05:00 in New York). */
const NOW = new Date("2026-03-04T10:00:00Z");
const ADMIN = "U0ADMIN";
const OTHER_USER = "U0OTHER";

let h: HttpHarness | undefined;
let tmp: TempDir;
let store: Store;

beforeEach(async () => {
  tmp = tempDir();
  store = await openTempStore(tmp);
});

afterEach(async () => {
  await h?.stop();
  h = undefined;
  await store.close();
  tmp.cleanup();
});

function harness(): HttpHarness {
  if (!h) throw new Error("start() first");
  return h;
}

/** Starts the app with the weekly channels on the temporary store (or, with `weekly: false`, without them). */
async function start(search: SearchLike & WeeklySearch = realSearch, { weekly = true } = {}): Promise<WeeklyChannels> {
  const channels = new WeeklyChannels({ store, content: new DirectionOfTheWeek(search), now: () => NOW });
  h = await startHttpHarness({ search, ...(weekly ? { weekly: { channels, admins: new Set<string>() } } : {}) });
  return channels;
}

/** Opens the Home tab as `user` and returns the view the app published for them. */
async function openHome(user = TEST_USER_ID): Promise<SlackView> {
  const { fake, baseUrl } = harness();
  const before = fake.callsTo("views.publish").length;
  expect((await postEvent(baseUrl, SIGNING_SECRET, appHomeOpened({ user }))).status).toBe(200);
  await expect.poll(() => fake.callsTo("views.publish").length).toBe(before + 1);
  expect(fake.callsTo("views.publish").at(-1)?.args.user_id).toBe(user);
  const view = fake.homeViews.get(user) as SlackView | undefined;
  if (!view) throw new Error(`Slack refused the Home view of ${user}`);
  return view;
}

/** Everything the view shows, in order: headers, sections and context lines. */
function viewText(view: SlackView): string {
  return view.blocks.map((block: Block) => (block.type === "header" ? block.text.text : visibleText({ blocks: [block] }))).filter(Boolean).join("\n");
}

async function command(text: string, user = TEST_USER_ID): Promise<ReplyLike> {
  const { fake, baseUrl } = harness();
  const response = await postSlashCommand(baseUrl, SIGNING_SECRET, { text, user_id: user, response_url: fake.responseUrl() });
  expect(response.status).toBe(200);
  return response.body as ReplyLike;
}

async function mention(text: string, user = TEST_USER_ID): Promise<void> {
  const { fake, baseUrl } = harness();
  const before = fake.callsTo("chat.postMessage").length;
  await postEvent(baseUrl, SIGNING_SECRET, appMention({ text: `<@${FAKE_BOT_USER_ID}> ${text}`, user }));
  await expect.poll(() => fake.callsTo("chat.postMessage").length).toBe(before + 1);
}

const byId = (id: string): Direction => realSearch.corpus.directions.find((d) => d.id === id)!;

describe("the App Home tab", () => {
  it("is published for the user who opened it: how to ask in both languages, this week's direction with its summary and papers, every direction with its count, and each channel's next post or why none comes", async () => {
    const channels = await start();
    await channels.here("C0ALPHA", ADMIN, "Asia/Shanghai"); // Mondays 09:00 there
    await channels.here("C0BETA", ADMIN, "America/New_York");
    await channels.setTime("C0BETA", ADMIN, { day: 3, minute: 12 * 60 }); // Wednesdays 12:00
    await channels.here("C0GAMMA", ADMIN, "UTC");
    await channels.markBroken("C0GAMMA", "channel_not_found");
    await channels.here("C0DELTA", ADMIN, "UTC");
    await channels.pause("C0DELTA", ADMIN);
    await store.importPosts([{ channel: "C0ALPHA", week: "2026-W10", direction: "interpretability", cycle: 1, ts: "1772600000.000100", recordedAt: NOW.toISOString() }]);

    const view = await openHome();
    expect(view.type).toBe("home");
    expect(viewLimitProblems(view)).toEqual([]);
    const text = viewText(view);

    // What the bot does and how to ask it, in English and in Chinese.
    expect(text).toContain("research directions are worth following");
    expect(text).toContain("哪些深度学习研究方向值得追踪");
    for (const usage of ["`/directions &lt;question&gt;`", "`@directions &lt;question&gt;`", "`/directions list`", "`/directions weekly here`"]) expect(text).toContain(usage);
    expect(text).toContain("只有你能看到");

    // This week's: the direction posted this week, with its summary and papers.
    const featured = byId("interpretability");
    expect(text).toContain("Direction of the week · 本周方向");
    expect(text).toContain(`*${directionLabel(featured)}*\n${summaryText(featured)}`);
    expect(text).toContain(papersText(featured));
    expect(featured.papers.length).toBeGreaterThan(0);
    for (const paper of featured.papers) expect(text).toContain(`<${paper.url}|`);
    expect(text).toContain("Posted this week (2026-W10) in <#C0ALPHA>.");

    // Every direction, with how many excerpts discuss it, most discussed first.
    for (const d of realSearch.corpus.directions) {
      const n = realSearch.passageCount(d.id);
      expect(text).toContain(`• *${directionLabel(d)}*: ${n} ${n === 1 ? "excerpt" : "excerpts"}`);
    }
    const counts = [...text.matchAll(/^• \*.+\*: (\d+) excerpts?$/gm)].map((match) => Number(match[1]));
    expect(counts).toHaveLength(realSearch.corpus.directions.length);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));

    // The channels, each with its schedule and next post in its own zone, or why nothing comes.
    expect(text).toContain("• <#C0ALPHA>: Mondays at 09:00 (Asia/Shanghai) · next post Mon 9 Mar 2026, 09:00");
    expect(text).toContain("• <#C0BETA>: Wednesdays at 12:00 (America/New_York) · next post Wed 4 Mar 2026, 12:00");
    expect(text).toContain(`• <#C0GAMMA>: :warning: stopped: the channel was deleted, or I can no longer see it — run \`/directions weekly here\` there to repair`);
    expect(text).toContain("• <#C0DELTA>: Mondays at 09:00 (UTC) · paused until `/directions weekly resume`");
  });

  it("without a post this week shows the direction of the soonest next post in any channel, and with no channel the first of a fresh rotation", async () => {
    const channels = await start();
    const first = realSearch.corpus.directions.find((d) => realSearch.passageCount(d.id) > 0)!;

    let text = viewText(await openHome());
    expect(text).toContain(`*${directionLabel(first)}*\n${summaryText(first)}`);
    expect(text).toContain("No weekly post is coming in any channel: this is the direction a channel turned on now with `/directions weekly here` would get first.");
    expect(text).toContain("No channel receives the direction of the week yet. Run `/directions weekly here` in a channel");

    // C0ALPHA posted the first direction two weeks ago, so its next (Monday) brings the second one;
    // C0BETA's first post comes sooner (today) and brings the first direction.
    await channels.here("C0ALPHA", ADMIN, "Asia/Shanghai");
    await store.importPosts([{ channel: "C0ALPHA", week: "2026-W08", direction: first.id, cycle: 1, ts: "1771400000.000100", recordedAt: "2026-02-16T01:00:00.000Z" }]);
    await channels.here("C0BETA", ADMIN, "America/New_York");
    await channels.setTime("C0BETA", ADMIN, { day: 3, minute: 12 * 60 });
    const alphaNext = (await channels.status("C0ALPHA"))!.nextChoice!.direction;
    expect(alphaNext).not.toBe(first.id);

    text = viewText(await openHome());
    expect(text).toContain(`*${directionLabel(first)}*\n${summaryText(first)}`);
    expect(text).not.toContain(`*${directionLabel(byId(alphaNext))}*\n`);
    expect(text).toContain("Coming next in <#C0BETA>: Wed 4 Mar 2026, 12:00 (America/New_York).");
  });

  it("shows the user's own recent searches, from /directions and mentions, newest first, and not another user's", async () => {
    await start();
    await command("compression");
    await command("list"); // not a search
    await mention("蒸馏");
    await command("remote sensing", OTHER_USER);

    const text = viewText(await openHome());
    expect(text).toContain("Your recent searches · 你最近的搜索");
    expect(text).toMatch(/• “蒸馏”\n• “compression”(\n|$)/);
    expect(text).not.toContain("remote sensing");
    expect(text).not.toContain("“list”");
    expect(text).toContain("Kept in the app's memory only, not in its database: forgotten when it restarts.");

    const theirs = viewText(await openHome(OTHER_USER));
    expect(theirs).toContain("• “remote sensing”");
    expect(theirs).not.toContain("compression”");
    expect(theirs).not.toContain("蒸馏”");
  });

  it("stays within Slack's limits with 200 directions, 150 channels and long searches, saying what it left out", async () => {
    const longName = (id: string) => ({ en: `A rather long research direction name number ${id} about many things`, zh: `一个相当长的研究方向名称${id}` });
    const corpus = corpusOf(Array.from({ length: 200 }, (_, i) => direction(`d${i}`, { name: longName(`d${i}`), summary: "Why it matters. ".repeat(200) })));
    const search: SearchLike & WeeklySearch = { ...fakeSearch(corpus), page: () => ({ hits: [], more: false }), mostDiscussed: () => [] };
    const channels = await start(search);
    for (let i = 0; i < 150; i++) {
      const channel = `C0${String(i).padStart(4, "0")}`;
      await channels.here(channel, ADMIN, i % 2 === 0 ? "America/Argentina/Buenos_Aires" : "Asia/Shanghai");
      if (i % 3 === 0) await channels.markBroken(channel, "channel_not_found");
    }
    for (let i = 0; i < 6; i++) await command(`query ${i} ${"long words ".repeat(60)}`);

    const view = await openHome(); // the fake refuses more than 100 blocks, as Slack does
    expect(viewLimitProblems(view)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(LIMITS.ourViewBlocks);
    const text = viewText(view);
    expect(text).toMatch(/…and \d+ more: `\/directions list` shows them all\./);
    expect(text).toMatch(/…and \d+ more channels\./);
    expect(text).toContain("Directions · 研究方向 (200)");
    expect(text.match(/^• “query \d/gm)).toHaveLength(5);
  });

  it("logs a failed views.publish once, does not retry it, and keeps answering", async () => {
    await start();
    const { fake, lines } = harness();
    fake.failNext("views.publish", { status: 503 });
    expect((await postEvent(harness().baseUrl, SIGNING_SECRET, appHomeOpened())).status).toBe(200);
    await expect.poll(() => lines.find((line) => line.includes(`Could not publish the App Home of ${TEST_USER_ID}`))).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.callsTo("views.publish")).toHaveLength(1);

    expect(visibleText(await command("compression"))).toContain("“compression”");
    expect(viewText(await openHome())).toContain("Your recent searches");
  });

  it("without the database, still shows everything else and says the channels cannot be read now", async () => {
    await start();
    await command("distillation");
    await store.close(); // the database goes away
    store = await openTempStore(tmp); // (for afterEach)
    const text = viewText(await openHome());
    expect(text).toContain("How to ask · 怎么问");
    expect(text).toContain("Directions · 研究方向");
    expect(text).toContain("“distillation”");
    expect(text).toContain("The channels that receive the direction of the week cannot be read right now.");
    expect(harness().lines.some((line) => line.includes("published without the weekly channels"))).toBe(true);
  });

  it("ignores the Messages tab, and works without the weekly channels", async () => {
    await start(realSearch, { weekly: false });
    const { fake, baseUrl } = harness();
    expect((await postEvent(baseUrl, SIGNING_SECRET, appHomeOpened({ tab: "messages" }))).status).toBe(200);
    expect((await postEvent(baseUrl, SIGNING_SECRET, appHomeOpened({ tab: "home" }))).status).toBe(200);
    await expect.poll(() => fake.homeViews.get(TEST_USER_ID)).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.callsTo("views.publish")).toHaveLength(1);
    const text = viewText((fake.homeViews.get(TEST_USER_ID) as SlackView | undefined)!);
    expect(text).toContain(`Directions · 研究方向 (${realSearch.corpus.directions.length})`);
    expect(text).not.toContain("Weekly post");
  });
});

describe("RecentSearches", () => {
  it("keeps each user's last five queries, newest first and once each, for the most recently active users only", () => {
    const searches = new RecentSearches({ users: 2 });
    for (const query of ["a", "b", "c", "d", "e", "f", "b"]) searches.record("U1", query);
    expect(searches.of("U1")).toEqual(["b", "f", "e", "d", "c"]);
    searches.record("U2", "x");
    searches.record("U3", "y"); // U1 is the least recently active of three
    expect(searches.of("U1")).toEqual([]);
    expect(searches.of("U2")).toEqual(["x"]);
    expect(searches.of("U3")).toEqual(["y"]);
  });
});
