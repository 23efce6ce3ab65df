/**
 * The real app in HTTP mode on 127.0.0.1, driven with signed requests shaped
 * as Slack sends them, against the fake Slack Web API, with the real search
 * engine over the real corpus.
 */
import { LogLevel } from "@slack/bolt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSlackApp } from "../src/app.js";
import type { SearchLike } from "../src/slack/answers.js";
import { messageLimitProblems, type Block, type SlackMessage } from "../src/slack/block-kit.js";
import { decodePage } from "../src/slack/blocks.js";
import { RecentKeys } from "../src/slack/dedupe.js";
import { ResponseUrls } from "../src/slack/response-url.js";
import {
  BOT_TOKEN,
  buttons,
  captureLogs,
  pings,
  realSearch,
  SIGNING_SECRET,
  startHttpHarness,
  visibleText,
  type HttpHarness,
  type ReplyLike,
} from "./support/app-harness.js";
import { FAKE_BOT_ID, FAKE_BOT_USER_ID } from "./support/fake-slack.js";
import { startForeignServer, type ForeignServer } from "./support/foreign-server.js";
import {
  appMention,
  postBlockAction,
  postEvent,
  postSigned,
  postSlashCommand,
  postUrlVerification,
  TEST_CHANNEL_ID,
  TEST_USER_ID,
} from "./support/slack-requests.js";

let h: HttpHarness;

beforeEach(async () => {
  h = await startHttpHarness();
});

afterEach(async () => {
  await h.stop();
});

async function command(text: string): Promise<ReplyLike> {
  const response = await postSlashCommand(h.baseUrl, SIGNING_SECRET, { text, response_url: h.fake.responseUrl() });
  expect(response.status).toBe(200);
  const reply = response.body as ReplyLike;
  expect(reply.response_type).toBe("ephemeral");
  expect(messageLimitProblems(reply as SlackMessage)).toEqual([]);
  return reply;
}

/** A search that always fails (its message holds a token, which the logs must redact). */
const broken: SearchLike = {
  corpus: realSearch.corpus,
  passageCount: (id) => realSearch.passageCount(id),
  mostDiscussed: (count) => realSearch.mostDiscussed(count),
  page: () => {
    throw new Error(`index exploded (token ${BOT_TOKEN})`);
  },
};

function mentionPosts() {
  return h.fake.callsTo("chat.postMessage");
}

describe("/directions over HTTP: the reply rides on the ack", () => {
  it("answers an English query with excerpts in Block Kit: direction, bold matches, author, link, buttons", async () => {
    const reply = await command("compression");
    const text = visibleText(reply);

    expect(text).toContain("“compression”"); // the query is repeated
    expect(text).toMatch(/模型压缩|蒸馏/);
    expect(text).toContain("Model compression &amp; distillation · 模型压缩与蒸馏"); // direction names, escaped
    expect(text).toMatch(/\u200B\*[^*\n]+\*\u200B/); // a highlighted span in bold
    expect(text).toContain("机智的叉烧");
    expect(text).toContain("<https://www.zhihu.com/question/385326992/answer/1141908138|Read the original answer>");
    expect(reply.text).toContain("compression"); // fallback text
    expect(Object.keys(buttons(reply))).toContain("directions_share");
    // No second round trip: nothing went through response_url or the Web API.
    expect(h.fake.responses).toEqual([]);
    expect(h.fake.callsTo("chat.postMessage")).toEqual([]);
  });

  it("answers a Chinese question", async () => {
    const reply = await command("数据标注太贵怎么办?");
    const text = visibleText(reply);
    expect(text).toContain("“数据标注太贵怎么办?”");
    expect(text).toContain("标注");
    expect(text).toContain("小样本学习与标注成本");
  });

  it("shows usage and every direction with both names for no text and for help", async () => {
    for (const text of ["", "help", "  HELP  "]) {
      const reply = await command(text);
      const shown = visibleText(reply);
      expect(shown).toContain("How to use /directions");
      expect(shown).toContain("Ask in English and the excerpts come in our English translation, the author's original (原文) beneath");
      for (const direction of realSearch.corpus.directions) {
        expect(shown).toContain(direction.name.zh.replace(/&/g, "&amp;"));
        expect(shown).toContain(direction.name.en.replace(/&/g, "&amp;"));
      }
    }
  });

  it("lists the directions", async () => {
    const reply = await command("list");
    const shown = visibleText(reply);
    expect(shown).toMatch(/\d+ research directions/);
    expect(shown).toContain("联邦学习");
    expect(shown).toMatch(/\d+ excerpts?/);
  });

  it("says plainly when nothing is found and suggests directions, with no buttons", async () => {
    const reply = await command("kubernetes");
    const shown = visibleText(reply);
    expect(shown).toContain("I found nothing in the expert answers about “kubernetes”");
    expect(shown).toContain("Try one of these directions:");
    expect(buttons(reply)).toEqual({});
  });

  it("Show more replaces the message with the next excerpts through response_url", async () => {
    const first = await command("interpretability");
    const more = buttons(first).directions_show_more;
    expect(decodePage(more)).toEqual({ q: "interpretability", o: 3 });

    const responseUrl = h.fake.responseUrl("more1");
    const clicked = await postBlockAction(h.baseUrl, SIGNING_SECRET, { actionId: "directions_show_more", value: more, responseUrl });
    expect(clicked.status).toBe(200);
    const post = await h.fake.waitForResponse((p) => p.id === "more1");
    const page = post.body as ReplyLike;

    expect(page).toMatchObject({ response_type: "ephemeral", replace_original: true });
    // No fixed block_id on the buttons: Slack would carry the old buttons' state over to the new ones.
    const actionBlocks = (message: ReplyLike) => ((message.blocks ?? []) as Block[]).filter((b) => b.type === "actions");
    expect(actionBlocks(page)).toHaveLength(1);
    expect(actionBlocks(page)[0]).not.toHaveProperty("block_id");
    expect(messageLimitProblems(page as SlackMessage)).toEqual([]);
    expect(visibleText(page)).toContain("“interpretability” (4–6)");
    expect(visibleText(page)).not.toEqual(visibleText(first));
    expect(decodePage(buttons(page).directions_show_more)).toEqual({ q: "interpretability", o: 6 });

    // The last page has no Show more.
    await postBlockAction(h.baseUrl, SIGNING_SECRET, {
      actionId: "directions_show_more",
      value: buttons(page).directions_show_more,
      responseUrl: h.fake.responseUrl("more2"),
    });
    const last = (await h.fake.waitForResponse((p) => p.id === "more2")).body as ReplyLike;
    expect(visibleText(last)).toContain("(7–9)");
    expect(Object.keys(buttons(last))).toEqual(["directions_share"]);
  });

  it("Share in channel posts the same results visibly, says who shared them, and removes the ephemeral copy", async () => {
    const reply = await command("compression");
    const share = buttons(reply).directions_share;

    await postBlockAction(h.baseUrl, SIGNING_SECRET, { actionId: "directions_share", value: share, responseUrl: h.fake.responseUrl("share1") });
    const shared = (await h.fake.waitForResponse((p) => p.id === "share1")).body as ReplyLike;
    const deleted = (await h.fake.waitForResponse((p) => p.id === "share1" && (p.body as ReplyLike).delete_original === true)).body;

    expect(shared).toMatchObject({ response_type: "in_channel", replace_original: false, unfurl_links: false, unfurl_media: false });
    // The sharer as a mention (Slack shows their name), in the blocks and the notification text; nobody else.
    expect(visibleText(shared)).toContain(`<@${TEST_USER_ID}> shared excerpts for “compression”`);
    expect(shared.text).toMatch(new RegExp(`^<@${TEST_USER_ID}> shared excerpts for “compression”`));
    expect(visibleText(shared)).toContain("机智的叉烧");
    expect(buttons(shared)).toEqual({}); // no buttons in the channel
    expect(messageLimitProblems(shared as SlackMessage)).toEqual([]);
    expect(new Set(pings(shared))).toEqual(new Set([`<@${TEST_USER_ID}>`]));
    expect(deleted).toEqual({ delete_original: true });
    expect(h.fake.responses.map((p) => p.id)).toEqual(["share1", "share1"]);
  });

  it("answers a button whose value isn't ours with one sentence instead of failing", async () => {
    await postBlockAction(h.baseUrl, SIGNING_SECRET, { actionId: "directions_show_more", value: "{broken", responseUrl: h.fake.responseUrl("bad") });
    const post = (await h.fake.waitForResponse((p) => p.id === "bad")).body as ReplyLike;
    expect(post).toMatchObject({ replace_original: false, text: "That button no longer works; run /directions again." });
  });
});

describe("text in, text out", () => {
  it("escapes broadcast and user mentions in what it echoes, so nothing can ping", async () => {
    // What Slack sends when the user typed these literally: the brackets arrive encoded.
    const reply = await command("&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@U123&gt; compression");
    expect(pings(reply)).toEqual([]);
    expect(visibleText(reply)).toContain("&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@U123&gt; compression");
    expect(reply.text).not.toMatch(/<[!@]/);
  });

  it("removes real mentions and reduces channels and links to their labels before searching", async () => {
    const reply = await command("<@U123|ada> <!channel> <#C999|research> <https://example.com/x|compression>");
    expect(pings(reply)).toEqual([]);
    expect(visibleText(reply)).toContain("“research compression”");
    expect(visibleText(reply)).toMatch(/模型压缩|蒸馏/);
  });

  it("gives a normal answer to a huge query with control characters and odd Unicode", async () => {
    const huge = `compression \u0000\u0007\u202E\u200B${"x\u0301 ".repeat(2000)}\uD800 🤖 ${"模型".repeat(1500)}`;
    expect(huge.length).toBeGreaterThan(5000);
    const reply = await command(huge);
    const shown = visibleText(reply);
    expect(shown).toContain("first 500 characters");
    expect(shown).not.toMatch(/[\u0000-\u0008\u202E]/);
    expect(shown).toMatch(/模型压缩|蒸馏/);
    expect((buttons(reply).directions_share ?? "").length).toBeLessThanOrEqual(2000);
  });

  it("answers a query of only control characters and invisible characters with the help", async () => {
    const reply = await command("\u0000\u0001\u200B\u202E\uFEFF");
    expect(visibleText(reply)).toContain("How to use /directions");
  });
});

describe("excerpts in the reader's language, with the other beneath", () => {
  /** Each hit's main text (the quoted section) and the smaller line under it. */
  function excerpts(reply: ReplyLike): Array<{ main: string; beneath: string }> {
    const blocks = reply.blocks as Block[];
    const out: Array<{ main: string; beneath: string }> = [];
    blocks.forEach((block, i) => {
      if (block.type !== "section" || !block.text?.text.includes("\n>") && !block.text?.text.startsWith(">")) return;
      const next = blocks[i + 1];
      const beneath = next?.type === "context" && "text" in next.elements[0]! ? String(next.elements[0].text) : "";
      out.push({ main: block.text.text, beneath });
    });
    return out;
  }
  const note = (reply: ReplyLike) => visibleText(reply).split("English: the directions project's translation").length - 1;

  it("shows an English query the English excerpt, matches in bold, with the original beneath as 原文", async () => {
    const reply = await command("remote sensing");
    const [first] = excerpts(reply);
    expect(first!.main).toMatch(/\u200B\*remote\*\u200B \u200B\*sensing\*\u200B/);
    expect(first!.main.slice(first!.main.indexOf("\n>"))).not.toMatch(/\p{Script=Han}/u); // the quote is English (the title line names the direction in both)
    expect(first!.beneath).toMatch(/^原文: .*遥感/);
    expect(first!.beneath.length).toBeLessThan(520); // about 200 characters, escaped, with bold
    expect(note(reply)).toBe(1);
  });

  it("shows a Chinese query the original, with the English beneath", async () => {
    const reply = await command("蒸馏");
    const [first] = excerpts(reply);
    expect(first!.main).toMatch(/\u200B\*蒸馏\*\u200B/);
    expect(first!.beneath).toMatch(/^English: .*distillation/);
    expect(note(reply)).toBe(1);
  });

  it("does the same in a mention's thread reply, in Show more and in Share in channel", async () => {
    const mention = appMention({ text: `<@${FAKE_BOT_USER_ID}> which papers were retracted?` });
    await postEvent(h.baseUrl, SIGNING_SECRET, mention);
    const post = (await h.fake.waitFor((c) => c.method === "chat.postMessage")).args as ReplyLike;
    expect(excerpts(post)[0]!.main).toContain("*retracted*");
    expect(excerpts(post)[0]!.beneath).toMatch(/^原文: .*撤稿/);
    expect(messageLimitProblems(post as SlackMessage)).toEqual([]);

    for (const actionId of ["directions_show_more", "directions_share"]) {
      const value = actionId === "directions_share" ? '{"q":"可解释性","o":0}' : '{"q":"interpretability","o":3}';
      await postBlockAction(h.baseUrl, SIGNING_SECRET, { actionId, value, responseUrl: h.fake.responseUrl(actionId) });
      const body = (await h.fake.waitForResponse((p) => p.id === actionId)).body as ReplyLike;
      expect(messageLimitProblems(body as SlackMessage)).toEqual([]);
      const [first] = excerpts(body);
      if (actionId === "directions_share") expect(first!.beneath).toMatch(/^English: .*interpretab/i);
      else expect(first!.beneath).toMatch(/^原文: /);
    }
  });
});

describe("mentions", () => {
  it("answers in a thread started on the mention", async () => {
    const mention = appMention({ text: `<@${FAKE_BOT_USER_ID}> is model compression still worth it?` });
    expect((await postEvent(h.baseUrl, SIGNING_SECRET, mention)).status).toBe(200);
    const post = await h.fake.waitFor((c) => c.method === "chat.postMessage");

    expect(post.token).toBe(BOT_TOKEN);
    expect(post.args).toMatchObject({ channel: TEST_CHANNEL_ID, thread_ts: mention.ts });
    expect(visibleText(post.args as ReplyLike)).toMatch(/模型压缩|蒸馏/);
    expect(buttons(post.args as ReplyLike)).toEqual({});
    expect(messageLimitProblems(post.args as ReplyLike as SlackMessage)).toEqual([]);
  });

  it("answers inside the thread the mention was posted in", async () => {
    const mention = appMention({ text: `<@${FAKE_BOT_USER_ID}> 数据标注太贵怎么办?`, thread_ts: "1700000000.000100" });
    await postEvent(h.baseUrl, SIGNING_SECRET, mention);
    const post = await h.fake.waitFor((c) => c.method === "chat.postMessage");
    expect(post.args).toMatchObject({ thread_ts: "1700000000.000100" });
    expect(visibleText(post.args as ReplyLike)).toContain("标注");
  });

  it("gives a short help to a mention with no question or a greeting", async () => {
    for (const text of [`<@${FAKE_BOT_USER_ID}>`, `<@${FAKE_BOT_USER_ID}> hi!`, `<@${FAKE_BOT_USER_ID}> 你好`]) {
      const mention = appMention({ text });
      await postEvent(h.baseUrl, SIGNING_SECRET, mention);
      const post = await h.fake.waitFor((c) => c.method === "chat.postMessage" && c.args.thread_ts === mention.ts);
      expect(visibleText(post.args as ReplyLike)).toContain("Ask me about a deep-learning research direction");
    }
  });

  it("answers a retried delivery once, but answers a retry whose first delivery never arrived", async () => {
    const mention = appMention({ text: `<@${FAKE_BOT_USER_ID}> compression` });
    await postEvent(h.baseUrl, SIGNING_SECRET, mention, { eventId: "EvSEEN" });
    await h.fake.waitFor((c) => c.method === "chat.postMessage" && c.args.thread_ts === mention.ts);
    await postEvent(h.baseUrl, SIGNING_SECRET, mention, { eventId: "EvSEEN", retryNum: 1, retryReason: "http_timeout" });
    await expect.poll(() => h.lines.some((l) => l.includes("ignoring a duplicate delivery EvSEEN (retry 1, http_timeout)"))).toBe(true);

    // Same message delivered again under another event id: still a duplicate.
    await postEvent(h.baseUrl, SIGNING_SECRET, mention, { eventId: "EvOTHER" });
    await expect.poll(() => h.lines.some((l) => l.includes("ignoring a duplicate delivery EvOTHER"))).toBe(true);

    // A retry of something we never saw (the first delivery was lost) is answered.
    const lost = appMention({ text: `<@${FAKE_BOT_USER_ID}> 可解释性` });
    await postEvent(h.baseUrl, SIGNING_SECRET, lost, { eventId: "EvLOST", retryNum: 2, retryReason: "http_error" });
    await h.fake.waitFor((c) => c.method === "chat.postMessage" && c.args.thread_ts === lost.ts);

    expect(mentionPosts().map((c) => c.args.thread_ts)).toEqual([mention.ts, lost.ts]);
  });

  it("never answers itself or other bots", async () => {
    const self = appMention({ text: `<@${FAKE_BOT_USER_ID}> compression`, user: FAKE_BOT_USER_ID });
    const otherBot = { ...appMention({ text: `<@${FAKE_BOT_USER_ID}> compression`, user: "U0OTHERBOT" }), bot_id: "B0OTHER" };
    const ownBotId = { ...appMention({ text: `<@${FAKE_BOT_USER_ID}> compression`, user: "U0SOMEONE" }), bot_id: FAKE_BOT_ID };
    for (const event of [self, otherBot, ownBotId]) expect((await postEvent(h.baseUrl, SIGNING_SECRET, event)).status).toBe(200);

    // A person's mention after them is answered, and is the only answer.
    const person = appMention({ text: `<@${FAKE_BOT_USER_ID}> compression` });
    await postEvent(h.baseUrl, SIGNING_SECRET, person);
    await h.fake.waitFor((c) => c.method === "chat.postMessage" && c.args.thread_ts === person.ts);
    await postUrlVerification(h.baseUrl, SIGNING_SECRET, "one-more-round-trip");
    expect(mentionPosts().map((c) => c.args.thread_ts)).toEqual([person.ts]);
  });
});

describe("the HTTP endpoint", () => {
  it("refuses bad and stale signatures with 401 and runs nothing", async () => {
    expect((await postSlashCommand(h.baseUrl, SIGNING_SECRET, { text: "compression" }, { badSignature: true })).status).toBe(401);
    expect((await postSlashCommand(h.baseUrl, SIGNING_SECRET, { text: "compression" }, { stale: true })).status).toBe(401);
    const mention = appMention({ text: `<@${FAKE_BOT_USER_ID}> compression` });
    expect((await postEvent(h.baseUrl, SIGNING_SECRET, mention, { badSignature: true })).status).toBe(401);
    expect((await postEvent(h.baseUrl, SIGNING_SECRET, mention, { stale: true })).status).toBe(401);
    expect(
      (await postBlockAction(h.baseUrl, SIGNING_SECRET, { actionId: "directions_share", value: '{"q":"x","o":0}', responseUrl: h.fake.responseUrl() }, { badSignature: true }))
        .status,
    ).toBe(401);
    await postUrlVerification(h.baseUrl, SIGNING_SECRET, "round-trip");
    expect(h.fake.calls.filter((c) => c.method !== "auth.test")).toEqual([]);
    expect(h.fake.responses).toEqual([]);
  });

  it("answers a signed payload that is not a JSON object with 400 at once, and keeps working", async () => {
    const form = "application/x-www-form-urlencoded";
    const json = "application/json";
    const bodies: Array<[string, string]> = [
      ["payload=null", form],
      ["payload=1", form],
      ['payload="x"', form],
      ["payload=[]", form],
      ["null", json],
      ["[]", json],
      ["42", json],
      ['"x"', json],
      ["true", json],
    ];
    const answers = await Promise.all(bodies.map(([body, type]) => postSigned(h.baseUrl, SIGNING_SECRET, body, type)));
    expect(answers.map((answer) => answer.status)).toEqual(bodies.map(() => 400));
    expect(h.lines.filter((l) => l.includes("Refused a signed request whose payload is"))).toHaveLength(bodies.length);
    expect(h.lines.find((l) => l.includes("payload=null") || l.includes("Unhandled"))).toBeUndefined();

    // Unsigned, it is still a 401; and the endpoint still answers real requests.
    expect((await postSigned(h.baseUrl, SIGNING_SECRET, "payload=null", form, { badSignature: true })).status).toBe(401);
    expect((await postSigned(h.baseUrl, SIGNING_SECRET, "{not json", json)).status).toBe(400);
    expect(await postUrlVerification(h.baseUrl, SIGNING_SECRET, "still-here")).toEqual({ status: 200, body: { challenge: "still-here" } });
    expect((await command("compression")).text).toContain("compression");
  });

  it("answers url_verification and GET /healthz", async () => {
    expect(await postUrlVerification(h.baseUrl, SIGNING_SECRET, "chal-42")).toEqual({ status: 200, body: { challenge: "chal-42" } });
    const health = await fetch(`${h.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    expect((await fetch(`${h.baseUrl}/nope`)).status).toBe(404);
  });
});

describe("failures", () => {
  it("tells the user one sentence when the search fails, and logs what happened without tokens", async () => {
    await h.stop();
    h = await startHttpHarness({ search: broken });

    const reply = await command("compression");
    expect(reply.text).toBe("Sorry, something went wrong on my side; please try again in a moment.");
    expect(h.lines.some((l) => l.includes("index exploded"))).toBe(true);

    const mention = appMention({ text: `<@${FAKE_BOT_USER_ID}> compression` });
    await postEvent(h.baseUrl, SIGNING_SECRET, mention);
    const post = await h.fake.waitFor((c) => c.method === "chat.postMessage");
    expect(post.args.text).toBe("Sorry, something went wrong on my side; please try again in a moment.");

    await postBlockAction(h.baseUrl, SIGNING_SECRET, { actionId: "directions_show_more", value: '{"q":"compression","o":3}', responseUrl: h.fake.responseUrl("boom") });
    const told = (await h.fake.waitForResponse((p) => p.id === "boom")).body;
    expect(told).toEqual({ response_type: "ephemeral", replace_original: false, text: "Sorry, something went wrong on my side; please try again in a moment." });
    expect(h.lines.some((l) => l.includes("Failed to handle button directions_show_more from U0HUMAN") && l.includes("index exploded"))).toBe(true);

    const logs = h.lines.join("\n");
    expect(logs).not.toContain(BOT_TOKEN);
    expect(logs).not.toContain(SIGNING_SECRET);
    expect(logs).toContain("xoxb-[redacted]");
  });

  it("logs a failed Slack call with the reason and no token", async () => {
    h.fake.failNext("chat.postMessage", { error: "not_in_channel" });
    const mention = appMention({ text: `<@${FAKE_BOT_USER_ID}> compression` });
    await postEvent(h.baseUrl, SIGNING_SECRET, mention);
    await expect.poll(() => h.lines.find((l) => l.includes("Failed to handle app_mention"))).toMatch(/invite the bot to channel C\w+: \/invite @directions.*not_in_channel/);
    expect(h.lines.join("\n")).not.toContain(BOT_TOKEN);
    // A Slack error would just fail again: no second attempt.
    expect(h.fake.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("only logs when a button's response_url has expired (nobody is left to tell)", async () => {
    h.fake.expireResponseUrl("old");
    await postBlockAction(h.baseUrl, SIGNING_SECRET, { actionId: "directions_show_more", value: '{"q":"interpretability","o":3}', responseUrl: h.fake.responseUrl("old") });
    await expect.poll(() => h.lines.find((l) => l.includes("Failed to handle button directions_show_more"))).toMatch(/404/);
  });
});

describe("replies go only to Slack", () => {
  let foreign: ForeignServer;

  beforeEach(async () => {
    foreign = await startForeignServer();
  });

  afterEach(async () => {
    await foreign.close();
  });

  it("allows Slack's own hosts and SLACK_API_URL's origin, nothing else", () => {
    const slack = new ResponseUrls(undefined, 1000);
    expect(slack.allows("https://hooks.slack.com/actions/T1/1/abc")).toBe(true);
    expect(slack.allows("https://hooks.slack-gov.com/commands/T1/1/abc")).toBe(true);
    for (const url of [
      "http://hooks.slack.com/actions/T1/1/abc",
      "https://hooks.slack.com:8443/actions/T1/1/abc",
      "https://hooks.slack.com.example.org/actions",
      "https://example.org/?u=https://hooks.slack.com/",
      "http://127.0.0.1:4112/hook",
      "not a url",
      42,
    ]) {
      expect(slack.allows(url), String(url)).toBe(false);
    }
    const local = new ResponseUrls(h.fake.apiUrl, 1000);
    expect(local.allows(h.fake.responseUrl())).toBe(true);
    expect(local.allows(foreign.url())).toBe(false);
  });

  it("ignores a button or command whose response_url is another server, and logs it", async () => {
    const clicked = await postBlockAction(h.baseUrl, SIGNING_SECRET, { actionId: "directions_show_more", value: '{"q":"interpretability","o":3}', responseUrl: foreign.url() });
    expect(clicked.status).toBe(200);
    const command = await postSlashCommand(h.baseUrl, SIGNING_SECRET, { text: "compression", response_url: foreign.url() });
    expect(command).toEqual({ status: 200, body: "" });
    const origin = new URL(foreign.url()).origin;
    const warnings = h.lines.filter((l) => l.includes(`its response_url points to ${origin}, not to Slack`));
    expect(warnings).toEqual([
      expect.stringMatching(/^\[WARN\] directions Ignored button directions_show_more from U0HUMAN/),
      expect.stringMatching(/^\[WARN\] directions Ignored \/directions from U0HUMAN in C0TEST/),
    ]);

    // A click after them is answered as usual, and the other server got nothing.
    await postBlockAction(h.baseUrl, SIGNING_SECRET, { actionId: "directions_show_more", value: '{"q":"interpretability","o":3}', responseUrl: h.fake.responseUrl("after") });
    await h.fake.waitForResponse((p) => p.id === "after");
    expect(foreign.requests).toEqual([]);
  });

  it("does not follow a redirect from Slack's origin to another server (307 and 302)", async () => {
    for (const status of [307, 302]) {
      h.fake.redirectResponseUrl(`moved${status}`, foreign.url(`/${status}`), status);
      await postBlockAction(h.baseUrl, SIGNING_SECRET, { actionId: "directions_show_more", value: '{"q":"interpretability","o":3}', responseUrl: h.fake.responseUrl(`moved${status}`) });
      await expect
        .poll(() => h.lines.find((l) => l.includes("Failed to handle button directions_show_more") && l.includes(`redirect (${status})`)))
        .toBeDefined();
    }
    // A failed reply is not retried as a failure notice either.
    expect(h.lines.filter((l) => l.includes("Could not tell the user"))).toEqual([]);
    expect(foreign.requests).toEqual([]);
  });

  it("does not follow a redirect with the failure notice either", async () => {
    await h.stop();
    h = await startHttpHarness({ search: broken });
    h.fake.redirectResponseUrl("moved", foreign.url("/notice"), 307);
    await postBlockAction(h.baseUrl, SIGNING_SECRET, { actionId: "directions_show_more", value: '{"q":"compression","o":3}', responseUrl: h.fake.responseUrl("moved") });
    await expect.poll(() => h.lines.find((l) => l.includes("Could not tell the user about the failure"))).toMatch(/redirect \(307\)/);
    expect(foreign.requests).toEqual([]);
  });
});

describe("dedupe memory", () => {
  it("forgets after its TTL and stays bounded", () => {
    let now = 0;
    const recent = new RecentKeys({ maxEntries: 3, ttlMs: 1000, now: () => now });
    expect(recent.claim(["a", "x"])).toBe(true);
    expect(recent.claim(["a"])).toBe(false);
    expect(recent.claim(["b", "x"])).toBe(false); // shares a key with the first
    expect(recent.claim([undefined, ""])).toBe(true);
    now = 2000;
    expect(recent.claim(["a"])).toBe(true);
    for (const key of ["k1", "k2", "k3", "k4"]) recent.claim([key]);
    expect(recent.size).toBeLessThanOrEqual(3);
  });
});

describe("start-up", () => {
  it("says which PORT is taken", async () => {
    const port = Number(new URL(h.baseUrl).port);
    const second = createSlackApp({
      config: { mode: "http", botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, port, apiUrl: h.fake.apiUrl, logLevel: LogLevel.ERROR },
      search: realSearch,
      logger: captureLogs().logger,
      host: "127.0.0.1",
    });
    await expect(second.start()).rejects.toThrow(`PORT ${port} is already in use: stop the other program or set PORT to a free port`);
  });
});
