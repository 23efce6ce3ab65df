/**
 * `kill -9` of `directions post-weekly` while Slack is still handling its post,
 * then an immediate rerun (a CronJob's retry, an impatient admin): the real
 * CLI in real processes, against the fake Slack.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { Store } from "../src/store/index.js";
import { isoWeekOfDate } from "../src/weekly/week.js";
import type { FakeSlack } from "./support/fake-slack.js";
import { eachTestWithSlackAndState, type TempDir } from "./support/weekly-fixtures.js";

const cli = join(import.meta.dirname, "..", "dist", "src", "cli.js");
const CHANNEL = "C0WEEKLY1";

let slack: FakeSlack;
let tmp: TempDir;
let store: Store; // the same SQLite file as the CLI's
eachTestWithSlackAndState((s, t, st) => ([slack, tmp, store] = [s, t, st]));

function env(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SLACK_BOT_TOKEN: "xoxb-test",
    SLACK_API_URL: slack.apiUrl,
    DIRECTIONS_CHANNEL: CHANNEL,
    DIRECTIONS_STATE: tmp.statePath,
    DIRECTIONS_DB: tmp.dbPath,
    DIRECTIONS_TZ: "UTC",
  };
}

/** Every run posts for the week of one date (today when the test starts), so that midnight cannot split them. */
const DATE = new Date().toISOString().slice(0, 10);
const WEEK = isoWeekOfDate(DATE);
const ourPosts = () => slack.messagesIn(CHANNEL).filter((m) => m.metadata?.event_type === "direction_of_week");

/** The CLI in its own process; asynchronous, so the fake Slack in this process keeps answering. */
function postWeekly(): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, "post-weekly", "--date", DATE], { env: env() });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr })));
}

it("kill -9 while the post is in flight, rerun at once: one post, and the rerun says the outcome is unknown", async () => {
  let answer = () => {};
  let arrived = () => {};
  const inSlack = new Promise<void>((resolve) => (arrived = resolve));
  slack.failNext("chat.postMessage", { until: new Promise<void>((resolve) => (answer = resolve)), arrived }); // Slack holds the post until we let it go
  const first = spawn(process.execPath, [cli, "post-weekly", "--date", DATE], { env: env(), stdio: "ignore" });
  await inSlack; // the post has reached Slack, which has not answered yet
  expect((await store.week(CHANNEL, WEEK)).claim?.sentAt).toBeDefined();
  first.kill("SIGKILL");
  await new Promise((resolve) => first.once("exit", resolve));

  const rerun = await postWeekly();
  expect(rerun.status).toBe(1);
  expect(rerun.stderr).toMatch(/sent this week's post at .* and ended before Slack answered; outcome unknown\. Will check channel C0WEEKLY1 before posting again/);
  expect(rerun.stderr).not.toMatch(/\n\s+at /); // no stack trace

  answer(); // the killed run's post lands
  await slack.waitFor((call) => call.method === "chat.postMessage");
  expect(ourPosts()).toHaveLength(1);

  // Later, once Slack cannot still be handling it: the check is trusted, the post is found and recorded.
  await store.planWeek(CHANNEL, WEEK, ({ claim }) => ({
    ...(claim ? { claim: { ...claim, sentAt: new Date(Date.now() - 10 * 60_000).toISOString() } } : {}),
    result: undefined,
  }));
  const later = await postWeekly();
  expect(later.status).toBe(0);
  expect(later.stdout).toContain("found our post in channel C0WEEKLY1");
  expect(ourPosts()).toHaveLength(1);
  expect(slack.callsTo("chat.postMessage")).toHaveLength(1);
}, 60_000);
