/**
 * Two replicas of the bot, real processes (`node dist/src/main.js` in HTTP
 * mode) on one database, against the fake Slack: the direction of the week is
 * posted once, both keep answering while PostgreSQL is down, and the next
 * week is posted once, continuing the rotation. On PostgreSQL, and on one
 * SQLite file shared by two processes. And one bot process whose weekly post
 * is turned on from Slack, across a restart.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadCorpus } from "../src/corpus/load.js";
import { BOT_TOKEN, SIGNING_SECRET } from "./support/app-harness.js";
import { FAKE_BOT_USER_ID, startFakeSlack, type FakeSlack } from "./support/fake-slack.js";
import { freePort, pgSkipReason, startPostgres, type TestPostgres } from "./support/postgres.js";
import { appHomeOpened, appMention, postEvent, postSlashCommand } from "./support/slack-requests.js";

const dist = join(import.meta.dirname, "..", "dist", "src");
const CHANNEL = "C0REPLICA";
const corpus = loadCorpus();

interface Replica {
  url: string;
  log: () => string;
  process: ChildProcess;
}

/** What each replica's scheduler says after its first look at the channels, whoever posted. */
const FIRST_TICK_DONE = "Direction of the week: 1 channel receives it (C0REPLICA";

let slack: FakeSlack;
let folder: string;
const replicas: Replica[] = [];

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "directions-replicas-"));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(replicas.splice(0).map(stop));
  await slack?.close();
});

function baseEnv(database: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? "", NO_COLOR: "1", SLACK_API_URL: slack.apiUrl, ...database };
}

/** The deployment's weekly channel: Mondays 00:00 UTC, so whatever the time of the test, this week's post is due and each replica catches up at start. */
const DEPLOYMENT_CHANNEL = { DIRECTIONS_CHANNEL: CHANNEL, DIRECTIONS_CRON: "0 0 * * 1", DIRECTIONS_TZ: "UTC" };

async function startReplica(database: Record<string, string>, weekly: Record<string, string> = DEPLOYMENT_CHANNEL): Promise<Replica> {
  const port = await freePort();
  const env = {
    ...baseEnv(database),
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    PORT: String(port),
    ...weekly,
  };
  const child = spawn(process.execPath, [join(dist, "main.js")], { env, cwd: folder, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout!.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const replica = { url: `http://127.0.0.1:${port}`, log: () => log, process: child };
  replicas.push(replica);
  await expect.poll(() => log, { timeout: 20_000 }).toContain("Ready (HTTP mode)");
  return replica;
}

async function stop(replica: Replica): Promise<void> {
  if (replica.process.exitCode !== null) return;
  const exited = new Promise((resolve) => replica.process.once("exit", resolve));
  replica.process.kill("SIGTERM");
  await exited;
}

/** `directions post-weekly` in its own process. */
function postWeekly(database: Record<string, string>, date: string): Promise<{ code: number | null; output: string }> {
  const env = { ...baseEnv(database), SLACK_BOT_TOKEN: BOT_TOKEN, DIRECTIONS_CHANNEL: CHANNEL, DIRECTIONS_TZ: "UTC" };
  const child = spawn(process.execPath, [join(dist, "cli.js"), "post-weekly", "--date", date], { env, cwd: folder });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, output })));
}

const weeklyPosts = () => slack.messagesIn(CHANNEL).filter((message) => message.metadata?.event_type === "direction_of_week");
const postedDirections = () => weeklyPosts().map((message) => String(message.metadata!.event_payload.direction));

async function answersEverything(replica: Replica, n: number): Promise<void> {
  const command = await postSlashCommand(replica.url, SIGNING_SECRET, { text: "distillation", response_url: slack.responseUrl() });
  expect(command.status).toBe(200);
  expect(JSON.stringify(command.body)).toContain("Model compression");
  const mention = appMention({ text: `<@${FAKE_BOT_USER_ID}> is model compression worth it? (${n})` });
  await postEvent(replica.url, SIGNING_SECRET, mention, { eventId: `EvReplica${n}` });
  await slack.waitFor((call) => call.method === "chat.postMessage" && call.args.thread_ts === mention.ts, 10_000);
}

/** A date in the week after this one, so that post-weekly posts a new week (within four weeks: no --force). */
function nextWeeksDate(): string {
  return new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
}

async function bothReplicasPostOnce(database: Record<string, string>): Promise<[Replica, Replica]> {
  const [a, b] = await Promise.all([startReplica(database), startReplica(database)]);
  await expect.poll(() => [a, b].every((replica) => replica.log().includes(FIRST_TICK_DONE)), { timeout: 20_000 }).toBe(true);
  expect(a.log() + b.log()).toMatch(/Direction of the week \d{4}-W\d\d: posted /);
  expect(weeklyPosts()).toHaveLength(1);
  expect(postedDirections()).toEqual([corpus.directions[0]!.id]);
  return [a, b];
}

async function nextWeekOnce(database: Record<string, string>): Promise<void> {
  const date = nextWeeksDate();
  const runs = await Promise.all([postWeekly(database, date), postWeekly(database, date)]);
  expect(runs.map((run) => run.code), runs.map((run) => run.output).join("\n")).toEqual([0, 0]);
  expect(weeklyPosts()).toHaveLength(2);
  expect(postedDirections()).toEqual([corpus.directions[0]!.id, corpus.directions[1]!.id]); // the rotation goes on
}

describe.skipIf(pgSkipReason !== undefined)("two replicas on one PostgreSQL", () => {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startPostgres();
  }, 60_000);
  afterAll(() => postgres?.destroy());

  it("post this week once, answer through an outage, and post the next week once", async () => {
    slack = await startFakeSlack();
    const database = { DATABASE_URL: await postgres.createDatabase() };
    const [a, b] = await bothReplicasPostOnce(database);

    postgres.stop();
    await answersEverything(a, 1);
    await answersEverything(b, 2);
    expect(a.log() + b.log()).toContain("The database is unreachable");

    postgres.start();
    await nextWeekOnce(database);
  }, 90_000);
});

describe("two replicas on one SQLite file", () => {
  it("post this week once, and the next week once", async () => {
    slack = await startFakeSlack();
    const database = { DIRECTIONS_DB: join(folder, "shared", "directions.db") };
    const [a, b] = await bothReplicasPostOnce(database);
    await answersEverything(a, 3);
    await answersEverything(b, 4);
    await nextWeekOnce(database);
  }, 90_000);
});

describe("the bot process, with the weekly post managed from Slack", () => {
  it("turns it on in a channel with /directions weekly here, announces it, keeps it across a restart, and shows it on the Home tab", async () => {
    slack = await startFakeSlack();
    slack.setUserTimeZone("U0HUMAN", "Asia/Shanghai");
    const database = { DIRECTIONS_DB: join(folder, "managed", "directions.db") };
    const settings = { DIRECTIONS_ADMINS: "U0HUMAN" };
    let bot = await startReplica(database, settings);
    const here = await postSlashCommand(bot.url, SIGNING_SECRET, { text: "weekly here", channel_id: "C0TEAM01", user_id: "U0HUMAN", response_url: slack.responseUrl("here") });
    expect(here.status).toBe(200);
    const reply = await slack.waitForResponse((post) => post.id === "here", 10_000);
    expect(JSON.stringify(reply.body)).toContain("Mondays at 09:00 (Asia/Shanghai)");
    const announced = await slack.waitFor((call) => call.method === "chat.postMessage" && call.args.channel === "C0TEAM01", 10_000);
    expect(String(announced.args.text)).toMatch(/^<@U0HUMAN> turned on the direction of the week here: Mondays at 09:00 \(Asia\/Shanghai\)/);

    // Not an admin: refused.
    const refused = await postSlashCommand(bot.url, SIGNING_SECRET, { text: "weekly stop", channel_id: "C0TEAM01", user_id: "U0OTHER", response_url: slack.responseUrl("stop") });
    expect(JSON.stringify(refused.body)).toContain("only the weekly post's admins");

    await stop(bot);
    bot = await startReplica(database, settings);
    await expect.poll(() => bot.log(), { timeout: 10_000 }).toContain("Direction of the week: 1 channel receives it (C0TEAM01 Mondays at 09:00 Asia/Shanghai, next ");
    await postEvent(bot.url, SIGNING_SECRET, appHomeOpened({ user: "U0HUMAN" }), { eventId: "EvHomeProcess" });
    await expect.poll(() => JSON.stringify(slack.homeViews.get("U0HUMAN") ?? ""), { timeout: 10_000 }).toContain("<#C0TEAM01>: Mondays at 09:00 (Asia/Shanghai)");
  }, 60_000);
});
