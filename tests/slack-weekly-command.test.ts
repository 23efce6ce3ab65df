/**
 * `/directions weekly …` end to end: the real app in HTTP mode, signed slash
 * commands, the fake Slack Web API, a real SQLite store in a temporary folder
 * and WeeklyChannels on a fixed clock (Tuesday 1 December 2026, 10:00 UTC).
 * Each subcommand: its reply, its announcement in the channel, its bad input.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FAILURE_SENTENCE } from "../src/app/errors.js";
import { directionLabel } from "../src/slack/blocks.js";
import type { Store } from "../src/store/index.js";
import { WeeklyChannels } from "../src/weekly/channels.js";
import { DirectionOfTheWeek } from "../src/weekly/direction-post.js";
import { pings, realSearch, SIGNING_SECRET, startHttpHarness, visibleText, type HttpHarness, type ReplyLike } from "./support/app-harness.js";
import type { RecordedCall } from "./support/fake-slack.js";
import { appMention, postEvent, postSlashCommand, TEST_CHANNEL_ID, TEST_USER_ID, type SlashCommandFields } from "./support/slack-requests.js";
import { openTempStore, tempDir, type TempDir } from "./support/weekly-fixtures.js";

/** Tuesday 1 December 2026, 10:00 UTC (11:00 in Berlin, 18:00 in Shanghai). */
const NOW = new Date("2026-12-01T10:00:00Z");
const ADMIN = "U0ADMIN";

let h: HttpHarness;
let tmp: TempDir;
let store: Store;
let channels: WeeklyChannels;
let responses = 0;

async function startApp(options: { admins?: string[]; weekly?: boolean } = {}): Promise<void> {
  const weekly = options.weekly === false ? undefined : { channels, admins: new Set(options.admins ?? []) };
  h = await startHttpHarness(weekly ? { weekly } : {});
}

beforeEach(async () => {
  tmp = tempDir();
  store = await openTempStore(tmp);
  channels = new WeeklyChannels({ store, content: new DirectionOfTheWeek(realSearch), now: () => NOW });
  await startApp();
});

afterEach(async () => {
  await h.stop();
  await store.close();
  tmp.cleanup();
});

/** Restarts the app with other weekly settings (same store). */
async function restartApp(options: { admins?: string[]; weekly?: boolean }): Promise<void> {
  await h.stop();
  await startApp(options);
}

interface Answer {
  reply: ReplyLike;
  /** The reply's visible text. */
  text: string;
  /** Whether it rode on the ack (else it came through the response_url). */
  onAck: boolean;
}

/** Runs `/directions <text>` and returns its ephemeral reply, from the ack or the response_url. */
async function slash(text: string, fields: Partial<SlashCommandFields> = {}): Promise<Answer> {
  const id = `weekly${++responses}`;
  const response = await postSlashCommand(h.baseUrl, SIGNING_SECRET, { text, response_url: h.fake.responseUrl(id), ...fields });
  expect(response.status).toBe(200);
  const onAck = response.body !== "";
  const reply = (onAck ? response.body : (await h.fake.waitForResponse((post) => post.id === id)).body) as ReplyLike;
  expect(reply.response_type).toBe("ephemeral");
  expect(pings(reply).filter((ping) => !ping.startsWith("<@U"))).toEqual([]);
  return { reply, text: visibleText(reply), onAck };
}

/** The lines the bot posted visibly in the channel. */
function announcements(channel = TEST_CHANNEL_ID): RecordedCall[] {
  return h.fake.callsTo("chat.postMessage").filter((call) => call.args.channel === channel);
}

function announcedText(call: RecordedCall | undefined): string {
  return String(call?.args.text);
}

/** Runs a change as the test user: its reply is `reply`, and it is announced in the channel, once, as `announced`. */
async function expectChange(input: string, reply: string, announced: string): Promise<void> {
  const before = announcements().length;
  expect((await slash(input)).text).toBe(reply);
  const after = announcements();
  expect(after).toHaveLength(before + 1);
  expect(announcedText(after.at(-1))).toBe(announced);
}

/** Turns the post on in the test channel as the test user, in Berlin time. */
async function turnOn(): Promise<Answer> {
  h.fake.setUserTimeZone(TEST_USER_ID, "Europe/Berlin");
  return slash("weekly here");
}

/** The direction the channel's first post brings, as replies name it. */
function firstDirection(): string {
  const choice = new DirectionOfTheWeek(realSearch).choose([])!;
  return directionLabel(realSearch.corpus.directions.find((d) => d.id === choice.direction)!);
}

describe("/directions weekly: help and bad input", () => {
  it("lists every subcommand with an example for `weekly`, `weekly help` and `WEEKLY HELP`, on the ack", async () => {
    for (const text of ["weekly", "weekly help", "WEEKLY HELP"]) {
      const { text: shown, onAck } = await slash(text);
      expect(onAck).toBe(true);
      for (const example of ["here", "time wed 10:30 Asia/Shanghai", "pause 2", "resume", "skip", "stop", "status", "preview"]) {
        expect(shown).toContain(`\`/directions weekly ${example}\``);
      }
    }
    expect(h.fake.calls.filter((call) => call.method !== "auth.test")).toEqual([]);
  });

  it("answers an unknown subcommand with the accepted ones, escaping what was typed", async () => {
    const { text, onAck } = await slash("weekly hourly");
    expect(onAck).toBe(true);
    expect(text).toBe("“hourly” is not a weekly command: use here, time, pause, resume, skip, stop, status, preview or help, e.g. `/directions weekly help`.");
    const escaped = await slash("weekly *&lt;!channel&gt;*");
    expect(escaped.text).toContain("“∗&lt;!channel&gt;∗” is not a weekly command");
    expect(await store.subscriptions()).toEqual([]);
  });

  it("the help of /directions mentions /directions weekly", async () => {
    expect((await slash("help")).text).toContain("`/directions weekly help`");
  });

  it("a mention that starts with weekly is pointed to the slash command", async () => {
    await postEvent(h.baseUrl, SIGNING_SECRET, appMention({ text: "<@U0BOT> weekly here" }));
    const answer = await h.fake.waitFor((call) => call.method === "chat.postMessage");
    expect(answer.args.thread_ts).toBeDefined();
    expect(String(answer.args.text)).toContain("managed in Slack, in the channel it concerns: `/directions weekly here` turns it on there");
    expect(await store.subscriptions()).toEqual([]);
  });

  it("says in one line that the weekly post is not available when the app has no store", async () => {
    await restartApp({ weekly: false });
    for (const text of ["weekly here", "weekly status", "weekly help"]) {
      expect((await slash(text)).text).toBe("The direction of the week is not available in this deployment.");
    }
    expect(announcements()).toEqual([]);
  });
});

describe("/directions weekly here", () => {
  it("turns the post on: Mondays 09:00 in the user's time zone (users.info), announced with a mention, unfurls off", async () => {
    const { text, onAck } = await turnOn();
    expect(onAck).toBe(false);
    expect(text).toBe(
      "Done: the direction of the week is on in this channel, Mondays at 09:00 (Europe/Berlin); first post Mon 7 Dec 2026, 09:00.",
    );
    const [announced, ...more] = announcements();
    expect(more).toEqual([]);
    expect(announcedText(announced)).toBe(
      `<@${TEST_USER_ID}> turned on the direction of the week here: Mondays at 09:00 (Europe/Berlin); first post Mon 7 Dec 2026, 09:00.`,
    );
    expect(String(announced!.args.unfurl_links)).toBe("false");
    expect(String(announced!.args.unfurl_media)).toBe("false");
    expect(h.fake.callsTo("users.info")[0]?.args.user).toBe(TEST_USER_ID);
    expect(await store.subscription(TEST_CHANNEL_ID)).toMatchObject({
      channel: TEST_CHANNEL_ID,
      schedule: { day: 1, minute: 540 },
      timeZone: "Europe/Berlin",
      source: "slack",
      createdBy: TEST_USER_ID,
    });
  });

  it("falls back to UTC, and says so, when users.info fails", async () => {
    h.fake.failNext("users.info", { error: "user_not_found" });
    const { text } = await slash("weekly here");
    expect(text).toContain("Mondays at 09:00 (UTC); first post Mon 7 Dec 2026, 09:00.");
    expect(text).toContain("I could not read your time zone from Slack, so it is UTC");
    expect((await store.subscription(TEST_CHANNEL_ID))?.timeZone).toBe("UTC");
    expect(h.lines.some((line) => line.includes("Could not read the time zone of U0HUMAN"))).toBe(true);
  });

  it("acks at once, before Slack has answered users.info", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    h.fake.failNext("users.info", { until: held });
    const id = "held";
    const response = await postSlashCommand(h.baseUrl, SIGNING_SECRET, { text: "weekly here", response_url: h.fake.responseUrl(id) });
    expect(response).toEqual({ status: 200, body: "" });
    expect(h.fake.responses).toEqual([]);
    release();
    const reply = await h.fake.waitForResponse((post) => post.id === id);
    expect(visibleText(reply.body as ReplyLike)).toContain("the direction of the week is on in this channel");
  });

  it("in a channel the bot is not in, says how to invite it and stores nothing", async () => {
    for (const state of ["not-member", "deleted"] as const) {
      h.fake.setChannelState(TEST_CHANNEL_ID, state);
      const { text } = await slash("weekly here");
      expect(text).toBe(
        "I am not a member of this channel, so I cannot post there. Invite me with `/invite @directions`, then run `/directions weekly here` again.",
      );
    }
    expect(await store.subscriptions()).toEqual([]);
    expect(h.fake.callsTo("chat.postMessage")).toEqual([]);
  });

  it("refuses an archived channel and a direct message", async () => {
    h.fake.setChannelState(TEST_CHANNEL_ID, "archived");
    expect((await slash("weekly here")).text).toBe("This channel is archived, so the direction of the week cannot be posted here.");
    const dm = await slash("weekly here", { channel_id: "D0DIRECT" });
    expect(dm.onAck).toBe(true);
    expect(dm.text).toContain("posted to channels, not to direct messages");
    expect(await store.subscriptions()).toEqual([]);
    expect(h.fake.callsTo("chat.postMessage")).toEqual([]);
  });

  it("on a channel where it is on already, says so with the status, and announces nothing", async () => {
    await turnOn();
    const { text } = await slash("weekly here");
    expect(text).toContain("The direction of the week is already on in this channel.");
    expect(text).toContain("Next post Mon 7 Dec 2026, 09:00");
    expect(announcements()).toHaveLength(1);
  });

  it("repairs a broken subscription, keeping its schedule, and announces it", async () => {
    await turnOn();
    await slash("weekly time fri 16:00");
    await channels.markBroken(TEST_CHANNEL_ID, "not_in_channel");
    await expectChange(
      "weekly here",
      "Repaired: the direction of the week is back on in this channel (it had stopped: I was removed from the channel), Fridays at 16:00 (Europe/Berlin); next post Fri 4 Dec 2026, 16:00.",
      `<@${TEST_USER_ID}> turned the direction of the week back on here (it had stopped: I was removed from the channel): Fridays at 16:00 (Europe/Berlin); next post Fri 4 Dec 2026, 16:00.`,
    );
    expect((await store.subscription(TEST_CHANNEL_ID))?.broken).toBeUndefined();
  });

  it("when the app lacks the scope to check the channel (an older manifest), says so and what the admin can do; stores nothing", async () => {
    h.fake.handle("conversations.info", () => ({ ok: false, error: "missing_scope", needed: "channels:read" }));
    const { text } = await slash("weekly here");
    expect(text).toBe(
      "I cannot check whether I am a member of this conversation: the app lacks the `channels:read` permission. " +
        "The weekly post goes to channels; if this is one, ask whoever installed the app to update it from the current manifest (manifest.yaml) and reinstall it.",
    );
    expect(h.lines.some((line) => line.includes("needs the channels:read scope: update the app from manifest.yaml and reinstall it"))).toBe(true);
    expect(await store.subscriptions()).toEqual([]);
  });

  it("when Slack fails otherwise, logs it and tells the user in one sentence; stores nothing", async () => {
    h.fake.failNext("conversations.info", { error: "team_access_not_granted" });
    const { reply } = await slash("weekly here");
    expect(reply.text).toBe(FAILURE_SENTENCE);
    expect(h.lines.some((line) => line.includes("Failed to handle /directions"))).toBe(true);
    expect(await store.subscriptions()).toEqual([]);
  });

  it("takes nothing after here", async () => {
    const { text, onAck } = await slash("weekly here now");
    expect(onAck).toBe(true);
    expect(text).toBe("`/directions weekly here` takes nothing more: leave out “now”.");
    expect(await store.subscriptions()).toEqual([]);
  });
});

describe("/directions weekly time", () => {
  it("moves the post to another day, time and zone (any case), announced", async () => {
    await turnOn();
    await expectChange(
      "weekly TIME Wed 10:30 asia/shanghai",
      "Done: the direction of the week is now posted here on Wednesdays at 10:30 (Asia/Shanghai); next post Wed 2 Dec 2026, 10:30.",
      `<@${TEST_USER_ID}> moved the direction of the week here to Wednesdays at 10:30 (Asia/Shanghai); next post Wed 2 Dec 2026, 10:30.`,
    );
    expect(await store.subscription(TEST_CHANNEL_ID)).toMatchObject({ schedule: { day: 3, minute: 630 }, timeZone: "Asia/Shanghai", updatedBy: TEST_USER_ID });
  });

  it("keeps the channel's zone when none is given; spells zone names as they are", async () => {
    await turnOn();
    expect((await slash("weekly time thursday 8:15")).text).toContain("Thursdays at 08:15 (Europe/Berlin); next post Thu 3 Dec 2026, 08:15.");
    expect((await slash("weekly time mon 09:00 America/Port_of_Spain")).text).toContain("(America/Port_of_Spain)");
  });

  it("names each wrong part of bad input and the accepted form, in one line, changing nothing", async () => {
    await turnOn();
    const usage = "use `/directions weekly time &lt;day&gt; &lt;HH:MM&gt; [&lt;time zone&gt;]`, e.g. `/directions weekly time wed 10:30 Asia/Shanghai`.";
    const cases: Array<[string, string]> = [
      [
        "weekly time someday 25:00 Mars/Olympus",
        `“someday” is not a day (mon to sun), “25:00” is not a time (HH:MM, 00:00 to 23:59), “Mars/Olympus” is not a time zone (an IANA name such as Europe/Berlin): ${usage}`,
      ],
      ["weekly time wed", `A day and a time are needed: ${usage}`],
      ["weekly time wed 10:30 UTC please", `“please” is more than the command takes: ${usage}`],
    ];
    for (const [input, expected] of cases) {
      const { text, onAck } = await slash(input);
      expect(onAck).toBe(true);
      expect(text).toBe(expected);
      expect(text).not.toContain("\n");
    }
    expect((await store.subscription(TEST_CHANNEL_ID))?.schedule).toEqual({ day: 1, minute: 540 });
    expect(announcements()).toHaveLength(1);
  });
});

describe("/directions weekly pause and resume", () => {
  it("pauses for N weeks: the next post is after them; announced", async () => {
    await turnOn();
    await expectChange(
      "weekly pause 2",
      "Paused for 2 weeks: next post Mon 21 Dec 2026, 09:00. `/directions weekly resume` ends the pause earlier.",
      `<@${TEST_USER_ID}> paused the direction of the week here for 2 weeks; next post Mon 21 Dec 2026, 09:00.`,
    );
    expect((await channels.status(TEST_CHANNEL_ID))?.next?.week).toBe("2026-W52");
  });

  it("pauses until resumed, then resumes; both announced", async () => {
    await turnOn();
    await expectChange(
      "weekly pause",
      "Paused: no direction of the week here until someone runs `/directions weekly resume`.",
      `<@${TEST_USER_ID}> paused the direction of the week here until someone runs \`/directions weekly resume\`.`,
    );
    expect((await channels.status(TEST_CHANNEL_ID))?.next).toBeUndefined();

    await expectChange(
      "weekly resume",
      "Resumed: next post Mon 7 Dec 2026, 09:00.",
      `<@${TEST_USER_ID}> resumed the direction of the week here; next post Mon 7 Dec 2026, 09:00.`,
    );
    expect((await store.subscription(TEST_CHANNEL_ID))?.paused).toBeUndefined();
  });

  it("resume where nothing is paused says so, announces nothing and changes nothing", async () => {
    await turnOn();
    const before = await store.subscription(TEST_CHANNEL_ID);
    expect((await slash("weekly resume", { user_id: "U0OTHER" })).text).toBe("The direction of the week is not paused here: next post Mon 7 Dec 2026, 09:00.");
    expect(announcements()).toHaveLength(1);
    expect(await store.subscription(TEST_CHANNEL_ID)).toEqual(before); // status does not say U0OTHER changed it
  });

  it("refuses 0, 53, x and extra words as weeks, and anything after resume", async () => {
    await turnOn();
    for (const weeks of ["0", "53", "x", "2 weeks"]) {
      const { text, onAck } = await slash(`weekly pause ${weeks}`);
      expect(onAck).toBe(true);
      expect(text).toBe(
        `“${weeks}” is not a number of weeks: use \`/directions weekly pause &lt;N&gt;\` with N from 1 to 52 weeks (e.g. \`/directions weekly pause 2\`), or \`/directions weekly pause\` to pause until \`/directions weekly resume\`.`,
      );
    }
    expect((await slash("weekly resume now")).text).toBe("`/directions weekly resume` takes nothing more: leave out “now”.");
    expect((await store.subscription(TEST_CHANNEL_ID))?.paused).toBeUndefined();
    expect(announcements()).toHaveLength(1);
  });
});

describe("/directions weekly skip and stop", () => {
  it("skips the next post, naming its date; announced; a second skip says it is skipped already", async () => {
    await turnOn();
    await expectChange(
      "weekly skip",
      "Skipped the post of Mon 7 Dec 2026, 09:00; next post Mon 14 Dec 2026, 09:00.",
      `<@${TEST_USER_ID}> skipped the direction of the week here on Mon 7 Dec 2026, 09:00; next post Mon 14 Dec 2026, 09:00.`,
    );
    const skipped = await store.subscription(TEST_CHANNEL_ID);
    expect((await slash("weekly skip", { user_id: "U0OTHER" })).text).toContain("The post of Mon 7 Dec 2026, 09:00 is skipped already; next post Mon 14 Dec 2026, 09:00.");
    expect(announcements()).toHaveLength(2);
    expect(await store.subscription(TEST_CHANNEL_ID)).toEqual(skipped);
    expect((await slash("weekly skip it")).text).toBe("`/directions weekly skip` takes nothing more: leave out “it”.");
  });

  it("stops the post: the subscription is gone; announced", async () => {
    await turnOn();
    await expectChange(
      "weekly stop",
      "Done: the direction of the week is off in this channel. Its rotation is kept, so `/directions weekly here` turns it back on where it left off.",
      `<@${TEST_USER_ID}> turned off the direction of the week here.`,
    );
    expect(await store.subscription(TEST_CHANNEL_ID)).toBeUndefined();
    expect((await slash("weekly stop now")).text).toBe("`/directions weekly stop` takes nothing more: leave out “now”.");
  });

  it("every change in a channel where the post is off says so and how to turn it on", async () => {
    for (const change of ["time wed 10:30", "pause", "pause 3", "resume", "skip", "stop"]) {
      expect((await slash(`weekly ${change}`)).text).toBe("The direction of the week is off in this channel. Turn it on with `/directions weekly here`.");
    }
    expect(await store.subscriptions()).toEqual([]);
    expect(h.fake.callsTo("chat.postMessage")).toEqual([]);
  });

  it("when the announcement fails, the change stands and the reply says so", async () => {
    await turnOn();
    h.fake.failNext("chat.postMessage", { error: "not_in_channel" });
    const { text } = await slash("weekly pause");
    expect(text).toContain("Paused: no direction of the week here");
    expect(text).toContain("The change is made, but I could not announce it in the channel (Slack said `not_in_channel`).");
    expect((await store.subscription(TEST_CHANNEL_ID))?.paused).toEqual({});
  });
});

describe("/directions weekly status and preview", () => {
  it("status: on, schedule, next post in the channel's zone, next direction, who set it up and when", async () => {
    await turnOn();
    const { text } = await slash("weekly status");
    expect(text).toBe(
      [
        "*Direction of the week in this channel: on*",
        "Schedule: Mondays at 09:00 (Europe/Berlin)",
        "Next post Mon 7 Dec 2026, 09:00",
        `Next direction: *${firstDirection()}*`,
        `Set up by <@${TEST_USER_ID}> on Tue 1 Dec 2026, 11:00 (Europe/Berlin)`,
      ].join("\n"),
    );
  });

  it("status says paused, broken with the fix, and off", async () => {
    await turnOn();
    await slash("weekly pause 1", { user_id: "U0OTHER" });
    const paused = (await slash("weekly status")).text;
    expect(paused).toContain("*Direction of the week in this channel: paused*");
    expect(paused).toContain("Next post Mon 14 Dec 2026, 09:00 (after the pause)");
    expect(paused).toContain(`Set up by <@${TEST_USER_ID}> on Tue 1 Dec 2026, 11:00; last changed by <@U0OTHER> on Tue 1 Dec 2026, 11:00 (Europe/Berlin)`);

    await channels.markBroken(TEST_CHANNEL_ID, "is_archived");
    const broken = (await slash("weekly status")).text;
    expect(broken).toContain("*Direction of the week in this channel: broken*");
    expect(broken).toContain("the channel was archived. To fix it, invite me (`/invite @directions`) and run `/directions weekly here` again.");

    await slash("weekly stop");
    expect((await slash("weekly status")).text).toBe("The direction of the week is off in this channel. Turn it on with `/directions weekly here`.");
    expect((await slash("weekly status please")).text).toBe("`/directions weekly status` takes nothing more: leave out “please”.");
  });

  it("preview shows the next post only to the user and posts nothing in the channel", async () => {
    await turnOn();
    const before = h.fake.callsTo("chat.postMessage").length;
    const { reply, text } = await slash("weekly preview");
    expect(text).toContain("Preview, only for you: the post of Mon 7 Dec 2026, 09:00.");
    const header = (reply.blocks as Array<{ type: string; text?: { text: string } }>).find((block) => block.type === "header");
    const choice = new DirectionOfTheWeek(realSearch).choose([])!;
    expect(header?.text?.text).toContain(realSearch.corpus.directions.find((d) => d.id === choice.direction)!.name.en);
    expect(h.fake.callsTo("chat.postMessage")).toHaveLength(before);
    expect((await slash("weekly preview 2")).text).toBe("`/directions weekly preview` takes nothing more: leave out “2”.");
  });

  it("preview where the post is off shows what its first post would be", async () => {
    const { text } = await slash("weekly preview");
    expect(text).toContain("The direction of the week is off in this channel; this would be its first post");
    expect(h.fake.callsTo("chat.postMessage")).toEqual([]);
  });
});

describe("/directions weekly on the deployment's channel (DIRECTIONS_CHANNEL)", () => {
  beforeEach(async () => {
    await channels.syncDeployment({ channel: TEST_CHANNEL_ID, cron: "0 9 * * 1", timeZone: "UTC", statePath: tmp.statePath });
  });

  /** The deployment posted on Monday 30 November, as it does every Monday. */
  async function postedThisWeek(): Promise<void> {
    const { direction, cycle } = new DirectionOfTheWeek(realSearch).choose([])!;
    await store.importPosts([{ channel: TEST_CHANNEL_ID, week: "2026-W49", direction, cycle, ts: "1796029200.000100", recordedAt: "2026-11-30T09:00:01Z" }]);
  }

  it("status says when this week's post is due and not out yet", async () => {
    expect((await slash("weekly status")).text).toContain("Next post Mon 30 Nov 2026, 09:00 (due now)");
  });

  it("refuses stop and time, saying the deployment sets it", async () => {
    await postedThisWeek();
    for (const change of ["stop", "time wed 10:30"]) {
      const { text } = await slash(`weekly ${change}`);
      expect(text).toContain("is set by the deployment (`DIRECTIONS_CHANNEL`, `DIRECTIONS_CRON`, `DIRECTIONS_TZ`)");
    }
    expect(await store.subscription(TEST_CHANNEL_ID)).toMatchObject({ source: "deployment", schedule: { cron: "0 9 * * 1" } });
    expect(announcements()).toEqual([]);
  });

  it("pauses, skips and resumes it, announced; status says the deployment set it", async () => {
    await postedThisWeek();
    expect((await slash("weekly pause 1")).text).toContain("Paused for 1 week: next post Mon 14 Dec 2026, 09:00.");
    expect(announcedText(announcements().at(-1))).toContain(`<@${TEST_USER_ID}> paused the direction of the week here for 1 week`);
    expect((await slash("weekly resume")).text).toBe("Resumed: next post Mon 7 Dec 2026, 09:00.");
    expect((await slash("weekly skip")).text).toBe("Skipped the post of Mon 7 Dec 2026, 09:00; next post Mon 14 Dec 2026, 09:00.");
    expect(announcements()).toHaveLength(3);
    const status = (await slash("weekly status")).text;
    expect(status).toContain("Set by the deployment (`DIRECTIONS_CHANNEL`)");
    expect(status).toContain("Schedule: cron \"0 9 ∗ ∗ 1\" (UTC)");
  });
});

describe("/directions weekly with DIRECTIONS_ADMINS", () => {
  beforeEach(async () => {
    await restartApp({ admins: [ADMIN] });
  });

  it("refuses every change by others politely, and lets them see status, preview and help", async () => {
    for (const change of ["here", "time wed 10:30", "pause", "pause 2", "resume", "skip", "stop"]) {
      const { text, onAck } = await slash(`weekly ${change}`);
      expect(onAck).toBe(true);
      expect(text).toBe(`Sorry, only the weekly post's admins (<@${ADMIN}>) can change it. \`/directions weekly status\` and \`/directions weekly preview\` work for everyone.`);
    }
    expect(await store.subscriptions()).toEqual([]);
    expect((await slash("weekly status")).text).toContain("is off in this channel");
    expect((await slash("weekly preview")).text).toContain("Preview, only for you");
    expect((await slash("weekly help")).text).toContain("`/directions weekly here`");
    expect(h.fake.callsTo("chat.postMessage")).toEqual([]);
  });

  it("lets an admin make changes", async () => {
    const { text } = await slash("weekly here", { user_id: ADMIN });
    expect(text).toContain("the direction of the week is on in this channel");
    expect(announcedText(announcements()[0])).toContain(`<@${ADMIN}> turned on the direction of the week here`);
  });
});
