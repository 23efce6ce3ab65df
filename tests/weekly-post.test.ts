import { describe, expect, it } from "vitest";
import { LIMITS } from "../src/slack/block-kit.js";
import { buildWeeklyPost, checkPostLimits, renderPostAsText, WEEKLY_EVENT_TYPE } from "../src/weekly/post.js";
import { corpusOf, direction, fakeSearch } from "./support/weekly-fixtures.js";

const PINGS = /<!channel>|<!here>|<!everyone>|<@U/;

describe("the weekly post", () => {
  it("has the names, summary, excerpts from different authors with links, papers, a question and a search hint", () => {
    const corpus = corpusOf([direction("a")]);
    const post = buildWeeklyPost({ direction: corpus.directions[0]!, excerpts: fakeSearch(corpus).directionExcerpts("a", 3), week: "2026-W10", cycle: 1 });
    const [header, ...rest] = post.blocks;
    expect(header).toEqual({ type: "header", text: { type: "plain_text", text: "Direction a · 方向a", emoji: true } });
    const all = JSON.stringify(rest);
    expect(all).toContain("Why a matters.");
    // Ann appears twice in the corpus but is quoted once: three different authors.
    for (const author of ["Ann", "Bo", "Chen"]) expect(all.split(`|${author}>`).length - 1).toBe(1);
    expect(all).toContain("<https://www.zhihu.com/answer/a-0|Ann>");
    expect(all).toContain("<https://arxiv.org/abs/a|A paper on a>");
    expect(all).toContain("First question about a?");
    expect(all).toContain("/directions a");
    expect(post.text).toContain("Direction a (方向a)");
    expect(post.metadata).toEqual({ event_type: WEEKLY_EVENT_TYPE, event_payload: { week: "2026-W10", direction: "a" } });
    expect(checkPostLimits(post)).toEqual([]);
  });

  it("asks the next question when the direction comes round again", () => {
    const d = direction("a");
    const second = buildWeeklyPost({ direction: d, excerpts: [], week: "2026-W13", cycle: 2 });
    expect(JSON.stringify(second.blocks)).toContain("Second question about a?");
    const third = buildWeeklyPost({ direction: d, excerpts: [], week: "2026-W16", cycle: 3 });
    expect(JSON.stringify(third.blocks)).toContain("First question about a?");
  });

  it("escapes everything from the corpus, so a corpus line cannot ping the channel", () => {
    const evil = direction("evil", {
      name: { en: "<!channel> Attention", zh: "<!here>注意" },
      summary: "Read this <!channel> & <@U123> <https://evil.example|click>",
      papers: [{ title: "<!everyone> paper", url: "https://arxiv.org/abs/1?a=1&b=<2>|x" }],
      questions: ["<!here> what now?"],
      synonyms: [{ id: "evil", terms: ["<!channel>"] }],
    });
    const corpus = corpusOf([evil], ["<!channel>", "Bo"]);
    corpus.passages[1]!.text = "Bo says <!everyone> & <@U999> look";
    const post = buildWeeklyPost({ direction: evil, excerpts: fakeSearch(corpus).directionExcerpts("evil", 3), week: "2026-W10", cycle: 1 });
    const payload = JSON.stringify(post);
    expect(payload).not.toMatch(PINGS);
    expect(payload).toContain("&lt;!channel&gt;");
    expect(payload).toContain("&amp; &lt;@U123&gt;");
    // The same link as in replies: `<`, `>` and `|` percent-encoded in the URL, the label escaped.
    expect(payload).toContain("<https://arxiv.org/abs/1?a=1&amp;b=%3C2%3E%7Cx|&lt;!everyone&gt; paper>");
    expect(checkPostLimits(post)).toEqual([]);
  });

  it("stays within Slack's limits with headroom, whatever the corpus's sizes", () => {
    const huge = direction("huge", {
      name: { en: "N".repeat(400), zh: "名".repeat(400) },
      summary: "S ".repeat(5000),
      papers: Array.from({ length: 40 }, (_, i) => ({ title: `T${i} ${"t".repeat(600)}`, url: `https://arxiv.org/abs/${i}${"x".repeat(400)}` })),
      questions: ["Q".repeat(5000)],
    });
    const corpus = corpusOf([huge], ["A", "B", "C", "D", "E"]);
    for (const p of corpus.passages) p.text = "长".repeat(3000);
    const post = buildWeeklyPost({ direction: huge, excerpts: fakeSearch(corpus).directionExcerpts("huge", 10), week: "2026-W10", cycle: 1 });
    expect(checkPostLimits(post)).toEqual([]);
    expect(post.blocks.length).toBeLessThanOrEqual(15);
    expect(JSON.stringify(post.blocks).length).toBeLessThan(LIMITS.ourBlocksJson);
    const header = post.blocks[0]!;
    expect(header.type === "header" && header.text.text.length).toBe(150);
    // At most three excerpts even when more are offered.
    expect(post.blocks.filter((b) => b.type === "section" && b.text?.text.startsWith("> ")).length).toBe(3);
  });

  it("keeps a summary of `<` and `&` within limits (escaping makes them longer), without a broken entity", () => {
    const d = direction("amp", { summary: "<&> ".repeat(1000) });
    const post = buildWeeklyPost({ direction: d, excerpts: [], week: "2026-W10", cycle: 1 });
    expect(checkPostLimits(post)).toEqual([]);
    const summary = post.blocks.find((b) => b.type === "section" && b.text?.text.startsWith("&lt;"));
    const text = summary?.type === "section" ? summary.text!.text : "";
    expect(text.length).toBeLessThanOrEqual(1500);
    expect(text).toMatch(/(&gt;|&amp;|&lt;|\s)…$/);
  });

  it("keeps a header of emoji (two UTF-16 units each) within Slack's 150 characters", () => {
    const emoji = direction("emoji", { name: { en: "🧠".repeat(200), zh: "名" } });
    const post = buildWeeklyPost({ direction: emoji, excerpts: [], week: "2026-W10", cycle: 1 });
    const header = post.blocks[0]!;
    expect(header.type === "header" && header.text.text.length).toBeLessThanOrEqual(150);
    expect(header.type === "header" && header.text.text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(checkPostLimits(post)).toEqual([]);
  });

  it("reads well as plain text for --dry-run", () => {
    const corpus = corpusOf([direction("a")]);
    const post = buildWeeklyPost({ direction: corpus.directions[0]!, excerpts: fakeSearch(corpus).directionExcerpts("a", 3), week: "2026-W10", cycle: 1 });
    const text = renderPostAsText(post);
    expect(text).toContain("Direction a · 方向a\n====");
    expect(text).toContain("— Ann (https://www.zhihu.com/answer/a-0)");
    expect(text).toContain("• A paper on a (https://arxiv.org/abs/a)");
    expect(text).not.toContain('"type"');
  });
});
