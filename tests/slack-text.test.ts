/**
 * Text in and out of Slack, and Block Kit rendering, as units.
 */
import { describe, expect, it } from "vitest";
import type { Corpus } from "../src/corpus/types.js";
import type { Hit } from "../src/search/types.js";
import { Answers } from "../src/slack/answers.js";
import { clampMessage, messageLimitProblems, type Block } from "../src/slack/block-kit.js";
import { decodePage, encodePage, resultsMessage } from "../src/slack/blocks.js";
import { redact } from "../src/slack/logger.js";
import { parseRequest } from "../src/slack/requests.js";
import { cleanText, escapeSlackText, highlightMrkdwn, normalizeIncomingText, tidySpans, ZWSP } from "../src/slack/text.js";
import { pings, realSearch, visibleText } from "./support/app-harness.js";

describe("incoming text", () => {
  it("removes mentions, keeps labels of channels and links, decodes entities", () => {
    expect(normalizeIncomingText("<@U0BOT> what about <#C123|ml-papers> and <https://arxiv.org/abs/1|this paper>?")).toBe(
      "what about ml-papers and this paper ?",
    );
    expect(normalizeIncomingText("<@U0BOT|directions> hi <@W123>")).toBe("hi");
    expect(normalizeIncomingText("<!here> <!channel> <!everyone> <!subteam^S1|@ml-team> ok")).toBe("@ml-team ok");
    expect(normalizeIncomingText("<https://example.com> <mailto:a@b.c|a@b.c>")).toBe("https://example.com a@b.c");
    expect(normalizeIncomingText("R&amp;D &lt;b&gt; &amp;lt;")).toBe("R&D <b> &lt;");
    expect(normalizeIncomingText("<#C123>  compression")).toBe("compression");
  });

  it("drops control characters, invisible characters and lone surrogates", () => {
    expect(cleanText("a\u0000b\u0007c\td\ne\u202Ef\u200Bg\uFEFF")).toBe("a b c d efg");
    expect(cleanText("x\uD800y\uDC00z 🤖")).toBe("xyz 🤖");
    expect(cleanText("  \u3000 ")).toBe("");
  });

  it("reads help, list, greetings and queries; cuts long queries", () => {
    expect(parseRequest("")).toEqual({ kind: "greeting" });
    expect(parseRequest("<@U0BOT>")).toEqual({ kind: "greeting" });
    expect(parseRequest("<@U0BOT> Hello!")).toEqual({ kind: "greeting" });
    expect(parseRequest("谢谢!")).toEqual({ kind: "greeting" });
    expect(parseRequest("help")).toEqual({ kind: "help" });
    expect(parseRequest("@directions help")).toEqual({ kind: "help" });
    expect(parseRequest("帮助")).toEqual({ kind: "help" });
    expect(parseRequest("LIST")).toEqual({ kind: "list" });
    expect(parseRequest("/directions 模型压缩")).toEqual({ kind: "search", query: "模型压缩", truncated: false });
    expect(parseRequest("hello world models")).toEqual({ kind: "search", query: "hello world models", truncated: false });
    const long = parseRequest("😀".repeat(400));
    expect(long).toMatchObject({ kind: "search", truncated: true });
    if (long.kind === "search") {
      expect(long.query.length).toBeLessThanOrEqual(500);
      expect(long.query).not.toMatch(/[\uD800-\uDBFF]$/); // not cut inside a pair
    }
  });
});

describe("outgoing text", () => {
  it("escapes only &, < and >", () => {
    expect(escapeSlackText("<!channel> & <@U1> *x*")).toBe("&lt;!channel&gt; &amp; &lt;@U1&gt; *x*");
  });

  it("bolds highlight spans by offsets into the raw text, escaping each piece first", () => {
    const text = "a <b> & 模型压缩 *star* end";
    const start = text.indexOf("模型压缩");
    const out = highlightMrkdwn(text, [{ start, end: start + 4 }]);
    expect(out).toBe(`a &lt;b&gt; &amp; ${ZWSP}*模型压缩*${ZWSP} \u2217star\u2217 end`);
  });

  it("neutralises *, _, ~ and backticks in echoed text, so a query can't turn a reply bold, italic or struck through", () => {
    const reply = new Answers(realSearch).command("_compression_ *x* ~y~ `z`");
    expect(visibleText(reply)).toContain("“\u02CDcompression\u02CD \u2217x\u2217 \u223Cy\u223C \u02CBz\u02CB”");
    expect(reply.text).not.toMatch(/[_*~`]/);
  });

  it("keeps spans right when escaping lengthens the text before them", () => {
    const text = "&&&& <<compression>>";
    const start = text.indexOf("compression");
    const out = highlightMrkdwn(text, [{ start, end: start + "compression".length }]);
    expect(out).toContain(`${ZWSP}*compression*${ZWSP}`);
    expect(out.startsWith("&amp;&amp;&amp;&amp; &lt;&lt;")).toBe(true);
  });

  it("neutralises * inside a highlighted span and never leaves a marker unpaired", () => {
    const text = "x a*b y";
    const out = highlightMrkdwn(text, [{ start: 2, end: 5 }]);
    expect(out).toBe(`x ${ZWSP}*a\u2217b*${ZWSP} y`);
    expect((out.match(/\*/g) ?? []).length % 2).toBe(0);
  });

  it("tidies spans: clamps, merges touching or overlapping ones, trims spaces, keeps surrogate pairs whole", () => {
    const text = " ab cd 🤖x";
    expect(tidySpans(text, [{ start: -3, end: 3 }, { start: 3, end: 6 }, { start: 100, end: 120 }])).toEqual([
      { start: 1, end: 3 },
      { start: 4, end: 6 },
    ]);
    expect(tidySpans("abcdef", [{ start: 3, end: 5 }, { start: 1, end: 3 }, { start: 2, end: 4 }])).toEqual([{ start: 1, end: 5 }]);
    const robot = text.indexOf("🤖");
    expect(tidySpans(text, [{ start: robot + 1, end: robot + 2 }])).toEqual([{ start: robot, end: robot + 2 }]);
    expect(tidySpans("a  b", [{ start: 1, end: 3 }])).toEqual([]);
  });

  it("cuts long text within the limit, closing bold and never cutting an entity", () => {
    const text = `${"&".repeat(200)} compression ${"<".repeat(3000)}`;
    const start = text.indexOf("compression");
    const out = highlightMrkdwn(text, [{ start, end: start + 11 }], 500);
    expect(out.length).toBeLessThanOrEqual(500);
    expect(out.endsWith("…")).toBe(true);
    expect(out).not.toMatch(/&(?:a|am|l|lt|g|gt)?…$/);
    expect((out.match(/\*/g) ?? []).length % 2).toBe(0);
  });

  it("redacts tokens from log lines", () => {
    expect(redact("token xoxb-123-456-abc and xapp-1-A1-2-def, Bearer abc.def")).toBe(
      "token xoxb-[redacted] and xapp-[redacted], Bearer [redacted]",
    );
    expect(redact("secret s3cr3tvalue!", ["s3cr3tvalue"])).toBe("secret [redacted]!");
  });
});

describe("Block Kit rendering", () => {
  const corpus: Corpus = {
    answers: [],
    passages: [],
    directions: [
      { id: "d1", name: { en: "R&D <b>", zh: "研究" }, summary: "", synonyms: [], papers: [], questions: [] },
    ],
  };
  const hit = (excerpt: string, extra: Partial<Hit> = {}): Hit => ({
    passageId: "a#0",
    answerId: "a",
    author: "<!channel> author",
    url: "https://example.com/a?x=1&y=<2>|3",
    excerpt,
    highlights: [],
    directions: ["d1", "unknown"],
    score: 1,
    ...extra,
  });

  it("escapes corpus text, author and links in results", () => {
    const message = resultsMessage({
      corpus,
      query: "<@U1> q",
      hits: [hit("see <!here> and <https://evil|click>")],
      offset: 0,
      hasMore: true,
      buttons: true,
    });
    expect(pings(message)).toEqual([]);
    const shown = visibleText(message);
    expect(shown).toContain("R&amp;D &lt;b&gt; · 研究");
    expect(shown).toContain("<https://example.com/a?x=1&amp;y=%3C2%3E%7C3|Read the original answer>");
    expect(shown).toContain("&lt;!channel&gt; author");
    expect(messageLimitProblems(message)).toEqual([]);
  });

  it("stays within Slack's limits with long, entity-heavy excerpts", () => {
    const excerpt = "&<>".repeat(400);
    const hits = Array.from({ length: 10 }, (_, i) => hit(excerpt, { passageId: `a#${i}`, highlights: [{ start: 0, end: 900 }] }));
    const message = resultsMessage({ corpus, query: "q".repeat(500), hits, offset: 0, hasMore: true, buttons: true });
    expect(messageLimitProblems(message)).toEqual([]);
  });

  it("clamps anything that would be over a limit", () => {
    const blocks: Block[] = Array.from({ length: 80 }, () => ({ type: "section", text: { type: "mrkdwn", text: "&amp;".repeat(1000) } }));
    const clamped = clampMessage({ text: "x".repeat(5000), blocks });
    expect(messageLimitProblems(clamped)).toEqual([]);
    for (const block of clamped.blocks) if (block.type === "section") expect(block.text?.text).not.toMatch(/&(?:a|am|amp)?…$/);
  });

  it("round-trips the page state in button values and rejects foreign values", () => {
    expect(decodePage(encodePage({ q: "模型 \"压缩\"", o: 3 }))).toEqual({ q: "模型 \"压缩\"", o: 3 });
    for (const bad of [undefined, "", "nope", "[]", '{"q":"","o":0}', '{"q":"x","o":-1}', '{"q":"x","o":1.5}', '{"q":"x","o":9999}']) {
      expect(decodePage(bad)).toBeUndefined();
    }
  });

  it("builds every reply of the real corpus within the limits", () => {
    const answers = new Answers(realSearch);
    for (const text of ["", "help", "list", "compression", "可解释性", "kubernetes", "x".repeat(5000)]) {
      expect(messageLimitProblems(answers.command(text))).toEqual([]);
      expect(messageLimitProblems(answers.mention(`<@U0BOT> ${text}`))).toEqual([]);
    }
  });
});

describe("the line beneath an excerpt", () => {
  it("keeps its bold on the matched words when the text has line breaks or double spaces", () => {
    // 青春没有终点 wrote "Model Compression,  lightweight model." with two spaces: offsets after them must not shift.
    const lines = visibleText(new Answers(realSearch).command("lightweight")).split("\n").filter((line) => line.startsWith("原文: "));
    expect(lines.join("\n")).toContain(`${ZWSP}*lightweight model*${ZWSP}`);
    for (const line of lines) expect(line).not.toMatch(/\n/);
  });
});
