/**
 * Terminal mode: `npm start` with no Slack variable at all, input piped in.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { runShell } from "../src/shell/shell.js";
import { Answers } from "../src/slack/answers.js";
import { renderMessage } from "../src/shell/render.js";
import { realSearch } from "./support/app-harness.js";

const main = join(import.meta.dirname, "..", "dist", "src", "main.js");
const dir = mkdtempSync(join(tmpdir(), "directions-shell-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** No SLACK_* variable, and a cwd without .env: the terminal mode. */
const env = { PATH: process.env.PATH ?? "", NO_COLOR: "1" };

function start(input?: string) {
  const child = spawn(process.execPath, [main], { env, cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  if (input !== undefined) child.stdin.end(input);
  return { child, done, output: () => stdout };
}

describe("terminal mode with piped input", () => {
  it("answers the slash command and the mention of the issue, then exits 0 at end of input", async () => {
    const { code, stdout, stderr } = await start("/directions compression\n@directions 数据标注太贵怎么办?\n").done;
    expect(code).toBe(0);
    expect(stderr).toBe("");
    // The same start-up as the Slack modes: the embedded database is created (and checked) on a fresh machine.
    expect(existsSync(join(dir, "data", "directions.db"))).toBe(true);

    const [first, second] = stdout.split(/^> /m).filter(Boolean);
    expect(first).toMatch(/^\/directions compression\n/);
    expect(first).toMatch(/模型压缩|蒸馏/);
    expect(first).toContain("Read the original answer (https://www.zhihu.com/");
    expect(second).toMatch(/^@directions 数据标注太贵怎么办\?\n/);
    expect(second).toContain("标注");

    // Readable text, not JSON or mrkdwn.
    expect(stdout).not.toMatch(/"type":|"blocks"|&amp;|&lt;|\u200B|<https?:/);
    expect(stdout).toContain("Model compression & distillation");
  });

  it("handles help, list, nothing found, greetings, more and other commands", async () => {
    const input = ["/directions", "/directions list", "/directions kubernetes", "hello", "more", "/directions interpretability", "more", "more", "more", "/weather", "/directions weekly here", ""].join("\n");
    const { code, stdout } = await start(input).done;
    expect(code).toBe(0);
    expect(stdout).toContain("How to use /directions");
    expect(stdout).toContain("联邦学习");
    expect(stdout).toContain("I found nothing in the expert answers about “kubernetes”");
    expect(stdout).toContain("Ask me about a deep-learning research direction");
    expect(stdout).toContain("“interpretability” (4–6)");
    expect(stdout).toContain("“interpretability” (7–9)");
    expect(stdout.match(/Nothing more to show; type \/directions <question> to page through excerpts\./g)).toHaveLength(2);
    expect(stdout).toContain('Only /directions is available here; try "/directions help".');
    expect(stdout).toContain("The direction of the week is managed in Slack, in the channel it concerns");
  });

  it("shows English first for an English query and the original first for a Chinese one, the other beneath", async () => {
    const { code, stdout } = await start("/directions remote sensing\n/directions 遥感\n").done;
    expect(code).toBe(0);
    const [english, chinese] = stdout.split(/^> /m).filter(Boolean);
    const quoted = (text: string) => text.split("\n").filter((line) => line.trimStart().startsWith("│")).join(" ");
    expect(quoted(english!)).toContain("remote sensing");
    expect(english).toMatch(/\n {2}原文: .*遥感/);
    expect(quoted(chinese!)).toContain("遥感");
    expect(chinese).toMatch(/\n {2}English: .*remote sensing/);
    expect(english).toContain("English: the directions project's translation");
  });

  it("stops cleanly on SIGTERM while waiting for input", async () => {
    const { child, done, output } = start();
    child.stdin.write("/directions compression\n");
    await expect.poll(output, { timeout: 15_000 }).toContain("Read the original answer");
    child.kill("SIGTERM");
    const { code } = await done;
    expect(code).toBe(0);
  });
});

describe("runShell in-process", () => {
  it("renders bold as ANSI on a terminal and never prints markup", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = "";
    output.setEncoding("utf8").on("data", (d: string) => (text += d));
    const done = runShell({ answers: new Answers(realSearch), input, output, interactive: false, color: true });
    input.end("compression\n");
    await done;
    expect(text).toContain("\u001b[1m");
    expect(text).not.toContain("*");
  });

  it("renders a message readably from Block Kit", () => {
    const message = new Answers(realSearch).command("&lt;!here&gt; compression");
    const text = renderMessage(message, { color: false });
    expect(text).toContain("Excerpts for “<!here> compression”");
    expect(text).not.toMatch(/&lt;|&gt;|&amp;|\u200B/);
    // The terminal shows the markers Slack replies neutralise as they were typed.
    expect(renderMessage(new Answers(realSearch).command("_compression_ *x*"), { color: false })).toContain("“_compression_ *x*”");
  });
});
